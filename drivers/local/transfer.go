package local

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// transfer is a repository upload or download that the driver runs for a
// task in its own process, in the background.
type transfer struct {
	done   chan struct{}
	bytes  atomic.Int64 // logical bytes moved so far
	cancel context.CancelFunc
	// result and err are set before done is closed.
	result *drivers.RepositoryResult
	err    error
}

// The directions of a transfer, in the keys of Driver.transfers.
const (
	transferPull = ":pull"
	transferPush = ":push"
)

// fileTransfer records the outcome of a task's upload, or the failure of
// its download, in its state directory.
const fileTransfer = "transfer.json"

// transferRecord is the content of fileTransfer.
type transferRecord struct {
	// Result is what a successful upload committed.
	Result *drivers.RepositoryResult `json:"result,omitempty"`
	// Code and Message describe a failed transfer.
	Code    drivers.Code `json:"code,omitempty"`
	Message string       `json:"message,omitempty"`
}

// startTransfer registers a transfer of task id in direction dir and runs
// run in the background, under a context that Cancel (and the task's
// deadline) ends. A transfer already registered is returned as it is.
func (d *Driver) startTransfer(id, dir string, deadline time.Time, run func(context.Context, *transfer) error) *transfer {
	d.mu.Lock()
	defer d.mu.Unlock()
	if tr := d.transfers[id+dir]; tr != nil {
		return tr
	}
	ctx, cancel := context.WithCancel(context.Background())
	if !deadline.IsZero() {
		ctx, cancel = context.WithDeadline(context.Background(), deadline)
	}
	tr := &transfer{done: make(chan struct{}), cancel: cancel}
	d.transfers[id+dir] = tr
	go func() {
		defer d.notify(id)
		defer close(tr.done)
		defer cancel()
		tr.err = run(ctx, tr)
	}()
	return tr
}

// waitTransfer waits for tr up to measureWait (and while ctx lasts), as a
// Status call may; it reports whether tr is done.
func waitTransfer(ctx context.Context, tr *transfer) bool {
	t := time.NewTimer(measureWait)
	defer t.Stop()
	select {
	case <-tr.done:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// bytesDone is how many bytes the running transfers of task id moved.
func (d *Driver) bytesDone(id string) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var n int64
	for _, dir := range []string{transferPull, transferPush} {
		if tr := d.transfers[id+dir]; tr != nil {
			n += tr.bytes.Load()
		}
	}
	return n
}

// transferring reports whether a transfer of task id runs.
func (d *Driver) transferring(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dir := range []string{transferPull, transferPush} {
		if tr := d.transfers[id+dir]; tr != nil {
			select {
			case <-tr.done:
			default:
				return true
			}
		}
	}
	return false
}

// cancelTransfers stops the transfers of task id (Cancel, a deadline).
func (d *Driver) cancelTransfers(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dir := range []string{transferPull, transferPush} {
		if tr := d.transfers[id+dir]; tr != nil {
			tr.cancel()
		}
	}
}

// forgetTransfers drops the transfers of task id from memory.
func (d *Driver) forgetTransfers(id string) {
	for _, dir := range []string{transferPull, transferPush} {
		delete(d.transfers, id+dir)
	}
}

// transferCode is the code of a failed download recorded in dir, or def.
func transferCode(dir string, def drivers.Code) drivers.Code {
	var rec transferRecord
	if found, err := readJSON(dir, fileTransfer, &rec); found && err == nil && rec.Code != drivers.Unknown {
		return rec.Code
	}
	return def
}
