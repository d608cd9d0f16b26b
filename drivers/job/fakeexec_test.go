package job

import (
	"context"
	"sync"
)

// fakeExec is a PodExecutor that records requests and answers with a
// scripted result once released.
type fakeExec struct {
	mu       sync.Mutex
	requests []*ExecRequest
	// result answers every request; nil blocks until ctx ends.
	result *ExecResult
	err    error
	block  chan struct{}
}

func (f *fakeExec) Exec(ctx context.Context, req *ExecRequest) (*ExecResult, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.result, f.err
}

func (f *fakeExec) calls() []*ExecRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*ExecRequest(nil), f.requests...)
}
