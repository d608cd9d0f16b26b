package testenv

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// pollInterval is how often waitReady asks a process whether it is ready.
const pollInterval = 100 * time.Millisecond

// waitReady polls url with client until it answers 200 OK. It fails as soon
// as p exits, or when ctx ends; both errors include the end of p's log.
func waitReady(ctx context.Context, p *process, client *http.Client, url string) error {
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	last := "no answer yet"
	for {
		status, err := probe(ctx, client, url)
		if err == nil && status == http.StatusOK {
			return nil
		}
		last = describeProbe(status, err)
		select {
		case <-p.done:
			return p.exitFailure()
		case <-ctx.Done():
			return p.failure("not ready at %s (%v); last answer: %s", url, context.Cause(ctx), last)
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

func describeProbe(status int, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d", status)
}
