package repotest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/repository"
)

func listCases() []testCase {
	return []testCase{
		{"listing many keys crosses pages in key order", testListMany},
		{"listing by prefix", testListPrefix},
	}
}

func testListMany(t *testing.T, e *env) {
	n := e.h.ManyKeys
	want := make([]string, n)
	for i := range n {
		want[i] = fmt.Sprintf("many/%c/%05d", 'a'+i%7, i)
	}
	e.putAll(want, 16)
	e.put("other/x", []byte("x"))
	slices.Sort(want)

	var paged []string
	opts := repository.ListOptions{Prefix: "many/", PageSize: 1000}
	for pages := 1; ; pages++ {
		page, err := e.repo.ListPage(e.ctx, opts)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Objects), 1000)
		for _, a := range page.Objects {
			paged = append(paged, a.Key)
		}
		if page.NextPageToken == "" {
			require.GreaterOrEqual(t, pages, (n+999)/1000, "pages")
			break
		}
		opts.PageToken = page.NextPageToken
	}
	require.Equal(t, want, paged, "paged listing")
	require.Equal(t, want, e.keys("many/"), "iterated listing")
}

// putAll stores a one-byte object under every key, workers at a time.
func (e *env) putAll(keys []string, workers int) {
	e.t.Helper()
	ch := make(chan string)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := range ch {
				if err := e.repo.Put(e.ctx, k, strings.NewReader("1")); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for _, k := range keys {
		select {
		case ch <- k:
		case err := <-errs:
			require.NoError(e.t, err)
		}
	}
	close(ch)
	wg.Wait()
	close(errs)
	require.NoError(e.t, <-errs)
}

func testListPrefix(t *testing.T, e *env) {
	for _, k := range []string{"a/1", "a/2", "a/sub/x", "ab", "a-b/1", "b/1", "c"} {
		e.put(k, []byte(k))
	}
	cases := map[string][]string{
		"":      {"a-b/1", "a/1", "a/2", "a/sub/x", "ab", "b/1", "c"},
		"a/":    {"a/1", "a/2", "a/sub/x"},
		"a":     {"a-b/1", "a/1", "a/2", "a/sub/x", "ab"},
		"a/s":   {"a/sub/x"},
		"a/sub": {"a/sub/x"},
		"b/1":   {"b/1"},
		"zzz":   nil,
	}
	for prefix, want := range cases {
		require.Equal(t, want, e.keys(prefix), "prefix %q", prefix)
	}
	for a, err := range e.repo.List(e.ctx, "a/") {
		require.NoError(t, err)
		require.Equal(t, int64(len(a.Key)), a.Size, a.Key)
	}
}
