package local

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// pushed uploads the staging directory of a staged backup whose commands
// succeeded, once, in the background, and fills out with the outcome: the
// committed backup (Repository, TotalSize: the logical bytes), or the
// failure; it reports false, with out Running and its BytesDone, while
// the upload runs (a Status call waits for it up to measureWait).
func (d *Driver) pushed(ctx context.Context, id, dir string, st *taskState, out *drivers.TaskStatus) bool {
	tr := d.startTransfer(id, transferPush, st.Deadline, func(ctx context.Context, tr *transfer) error {
		return d.push(ctx, st.Task, dir, tr)
	})
	if !waitTransfer(ctx, tr) {
		out.Phase, out.CompletionTime, out.BytesDone = drivers.Running, time.Time{}, tr.bytes.Load()
		return false
	}
	if tr.err != nil {
		out.Phase, out.ErrorCode = drivers.Failed, drivers.ErrorCode(tr.err)
		out.Message = "upload to repository " + strconv.Quote(st.Task.Repository.Name) + ": " + tr.err.Error()
		return true
	}
	out.Repository, out.TotalSize = tr.result, tr.result.LogicalSize
	return true
}

// push uploads the task's staging directory as the backup Push.Key, with
// transient failures retried, records the outcome in the state directory
// and then removes the staging directory. An outcome recorded before (by
// a Driver that died before it reported it) is reported again, never
// uploaded again: the staging directory may be gone.
func (d *Driver) push(ctx context.Context, t *drivers.Task, dir string, tr *transfer) error {
	var rec transferRecord
	if found, err := readJSON(dir, fileTransfer, &rec); found && err == nil {
		tr.result = rec.Result
		if rec.Result == nil {
			return drivers.Errorf(rec.Code, "%s", rec.Message)
		}
		return nil
	}
	res, err := d.pushStaging(ctx, t, tr)
	rec = transferRecord{Result: res}
	if err != nil {
		rec = transferRecord{Code: drivers.ErrorCode(err), Message: err.Error()}
	}
	if werr := writeJSON(dir, fileTransfer, rec); werr != nil {
		return drivers.Errorf(drivers.Unavailable, "record the upload: %w", werr)
	}
	if rmErr := os.RemoveAll(filepath.Join(dir, dirStaging)); rmErr != nil {
		d.log.Error(rmErr, "cannot remove a task's staging directory", "task", t.ID)
	}
	tr.result = res
	return err
}

// pushStaging uploads BACKUP_DIR of the staging directory.
func (d *Driver) pushStaging(ctx context.Context, t *drivers.Task, tr *transfer) (*drivers.RepositoryResult, error) {
	c, err := d.openRepository(ctx, t)
	if err != nil {
		return nil, err
	}
	defer c.close()
	p := t.Repository.Push
	src := filepath.Join(d.stagingPlace(t).claim, filepath.FromSlash(p.Path))
	opts := c.write
	opts.Recipients = t.Repository.Recipients
	opts.Progress = func(n int64) { tr.bytes.Add(n) }
	var res repository.CommitResult
	err = retryTransfer(ctx, func() (err error) {
		res, err = c.repo.PushDir(ctx, p.Key, src, &opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return repositoryResult(p.Key, res), nil
}

// repositoryResult is what a commit reports.
func repositoryResult(key string, res repository.CommitResult) *drivers.RepositoryResult {
	out := &drivers.RepositoryResult{Key: key, ManifestSHA256: res.ManifestSHA256,
		LogicalSize: res.Manifest.LogicalSize(), StoredSize: res.Manifest.StoredSize()}
	for _, o := range res.Manifest.Objects {
		if o.Type == repository.TypeFile {
			out.Objects++
		}
	}
	return out
}

// transferDelays are the waits before the retries of a transfer that
// failed with a transient error (an unreachable server, a throttled
// request): both directions are idempotent, and the staged data is still
// there, so retrying costs less than running the task again.
var transferDelays = []time.Duration{2 * time.Second, 10 * time.Second}

// retryTransfer runs f, and again after each delay while it fails with a
// retryable code and ctx lasts.
func retryTransfer(ctx context.Context, f func() error) error {
	err := f()
	for _, delay := range transferDelays {
		if err == nil || !drivers.ErrorCode(err).Retryable() || ctx.Err() != nil {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		err = f()
	}
	return err
}
