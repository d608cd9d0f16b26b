package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// pollInterval is how often WaitFor checks whether a process is ready.
const pollInterval = 100 * time.Millisecond

// WaitReady polls url with client until it answers 200 OK. It fails as soon
// as p exits, or when ctx ends; both errors include the end of p's log.
func WaitReady(ctx context.Context, p *Process, client *http.Client, url string) error {
	return WaitFor(ctx, p, "not ready at "+url, func(ctx context.Context) (bool, string) {
		status, err := probe(ctx, client, url)
		if err != nil {
			return false, err.Error()
		}
		return status == http.StatusOK, fmt.Sprintf("HTTP %d", status)
	})
}

// WaitFor calls check every 100 ms until it reports done. It fails as soon as
// p exits, or when ctx ends; both errors include the end of p's log, and the
// second notReady and the last state check reported.
func WaitFor(ctx context.Context, p *Process, notReady string, check func(context.Context) (done bool, state string)) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		done, last := check(ctx)
		if done {
			return nil
		}
		select {
		case <-p.Done():
			return p.ExitFailure()
		case <-ctx.Done():
			return p.Failure("%s (%v); last answer: %s", notReady, context.Cause(ctx), last)
		case <-ticker.C:
		}
	}
}

// probe sends one GET to url and returns the status code.
func probe(ctx context.Context, client *http.Client, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
