package bench

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"k8s.io/client-go/rest"
)

// Requests counts the API requests made through the configs it wraps, and
// the bytes of their responses.
type Requests struct {
	gets, lists, writes, watches, bytes atomic.Int64
}

// RequestCounts is a snapshot of Requests.
type RequestCounts struct {
	// Gets and Lists are the reads: GETs of one object and of a
	// collection. Watches are GETs with watch=true, counted apart.
	Gets, Lists, Watches int64
	// Writes are POST, PUT, PATCH and DELETE requests.
	Writes int64
	// Bytes is the size of the response bodies read so far.
	Bytes int64
}

// Reads is Gets + Lists.
func (c RequestCounts) Reads() int64 { return c.Gets + c.Lists }

// Wrap returns a copy of cfg whose requests are counted.
func (r *Requests) Wrap(cfg *rest.Config) *rest.Config {
	out := rest.CopyConfig(cfg)
	prev := out.WrapTransport
	out.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		if prev != nil {
			rt = prev(rt)
		}
		return &countingTransport{next: rt, r: r}
	}
	return out
}

// Counts returns the counts so far.
func (r *Requests) Counts() RequestCounts {
	return RequestCounts{Gets: r.gets.Load(), Lists: r.lists.Load(), Watches: r.watches.Load(),
		Writes: r.writes.Load(), Bytes: r.bytes.Load()}
}

// Sub returns c − before.
func (c RequestCounts) Sub(before RequestCounts) RequestCounts {
	return RequestCounts{Gets: c.Gets - before.Gets, Lists: c.Lists - before.Lists, Watches: c.Watches - before.Watches,
		Writes: c.Writes - before.Writes, Bytes: c.Bytes - before.Bytes}
}

type countingTransport struct {
	next http.RoundTripper
	r    *Requests
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case req.Method == http.MethodGet && req.URL.Query().Get("watch") != "":
		t.r.watches.Add(1)
	case req.Method == http.MethodGet && isCollection(req.URL.Path):
		t.r.lists.Add(1)
	case req.Method == http.MethodGet:
		t.r.gets.Add(1)
	default:
		t.r.writes.Add(1)
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.Body != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.r.bytes}
	}
	return resp, err
}

// isCollection reports whether an API path names a collection:
// /api/v1/<resource>, /apis/<group>/<version>/<resource>, or either with
// namespaces/<ns> before the resource.
func isCollection(path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return false
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	return len(parts) == 1
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
