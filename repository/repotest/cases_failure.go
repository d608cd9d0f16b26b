package repotest

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func failureCases() []testCase {
	return []testCase{
		{"failing reader stores nothing", testFailingReader},
		{"cancel mid-upload stores nothing", testCancelMidUpload},
		{"cancelled context fails every call", testCancelledContext},
	}
}

func testFailingReader(t *testing.T, e *env) {
	boom := errors.New("tool crashed")
	err := e.repo.Put(e.ctx, "fail/new", &failingReader{data: newData(3, 7<<20), err: boom})
	require.Error(t, err)
	e.requireAbsent("fail/new")

	e.put("fail/old", []byte("previous backup"))
	err = e.repo.Put(e.ctx, "fail/old", &failingReader{data: newData(4, 6<<20), err: boom})
	require.Error(t, err)
	require.Equal(t, []byte("previous backup"), e.get("fail/old"), "a failed put keeps the previous object")
	e.requireNoLeftovers()
}

// testCancelMidUpload cancels the context after more than one S3 part has
// been read and while the reader blocks, as a host shutting down does.
func testCancelMidUpload(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	r := &cancellingReader{data: newData(5, 12<<20), ctx: ctx, cancel: cancel}
	err := e.repo.Put(ctx, "cancel/object", r)
	e.requireCode(err, drivers.Canceled, "put with a cancelled context")
	e.requireAbsent("cancel/object")
	e.requireNoLeftovers()
}

func testCancelledContext(t *testing.T, e *env) {
	e.put("cancelled/a", []byte("a"))
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	err := e.repo.Put(ctx, "cancelled/b", newData(6, 1<<20))
	require.Error(t, err, "put")
	e.requireAbsent("cancelled/b")
	_, err = e.repo.Stat(ctx, "cancelled/a")
	require.Error(t, err, "stat")
	for _, err := range e.repo.List(ctx, "") {
		require.Error(t, err, "list")
	}
	e.requireNoLeftovers()
}

// cancellingReader yields its data, then cancels ctx and blocks until the
// cancellation is seen, failing with ctx's error as a tool's pipe would.
type cancellingReader struct {
	data   io.Reader
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.data.Read(p)
	if err == io.EOF {
		c.cancel()
		<-c.ctx.Done()
		return n, c.ctx.Err()
	}
	return n, err
}
