package local

import (
	"context"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dpsdk/dataprotection/drivers"
)

// pullThenLaunch downloads the backups of a staged task's Pull into its
// staging directory, then starts its supervisor. It holds the task's lock
// meanwhile, so the task counts as running; a host that dies half-way
// leaves a task that a later Driver resumes (resumePull). A failed
// download ends the task before any command ran, Failed with the error's
// code and a message that names the repository, the backup and the
// object: a corrupt object, a wrong identity or a replaced manifest never
// reach the restore's commands, so nothing is written to the target.
func (d *Driver) pullThenLaunch(t *drivers.Task, dir, work string, rt *resolvedTask, lock *os.File) {
	tr := d.startTransfer(t.ID, transferPull, t.Deadline, func(ctx context.Context, tr *transfer) error {
		return d.pull(ctx, t, tr)
	})
	<-tr.done
	if tr.err != nil {
		rec := transferRecord{Code: drivers.ErrorCode(tr.err),
			Message: "download from repository " + strconv.Quote(t.Repository.Name) + ": " + tr.err.Error()}
		if err := writeJSON(dir, fileTransfer, rec); err != nil {
			d.log.Error(err, "cannot record a failed download", "task", t.ID)
		}
		// The transfer's own notification came before this end.
		d.endHere(t.ID, dir, exitRecord{ExitCode: 1, Step: -1, Command: -1, Message: rec.Message}, lock)
		return
	}
	d.launch(t.ID, dir, work, rt, lock)
}

// pull downloads every backup of the task's Pull, in order, each into its
// directory of the staging directory, checking every object against its
// manifest (and the manifest against the recorded checksum) before it
// takes its name there. Transient failures are retried.
func (d *Driver) pull(ctx context.Context, t *drivers.Task, tr *transfer) error {
	c, err := d.openRepository(ctx, t)
	if err != nil {
		return err
	}
	defer c.close()
	staging := d.stagingPlace(t).claim
	for _, p := range t.Repository.Pull {
		opts := c.read
		opts.ManifestSHA256 = p.ManifestSHA256
		opts.Progress = func(n int64) { tr.bytes.Add(n) }
		target := filepath.Join(staging, filepath.FromSlash(p.Path))
		err := retryTransfer(ctx, func() error { return c.repo.PullDir(ctx, p.Key, target, &opts) })
		if err != nil {
			return err
		}
	}
	return nil
}

// resumePull restarts the download of a staged task whose host died while
// it downloaded: no supervisor ever started (no pid, no exit record) and
// nobody holds its lock. It reports whether it resumed.
func (d *Driver) resumePull(ctx context.Context, id, dir string, st *taskState) bool {
	t := st.Task
	if t == nil || !staged(t) || len(t.Repository.Pull) == 0 || exists(filepath.Join(dir, filePID)) ||
		exists(filepath.Join(dir, fileExit)) {
		return false
	}
	lock, busy, err := d.takeLock(id)
	if err != nil || busy {
		return false
	}
	rt, err := d.resolve(ctx, t, d.stagingPlace(t))
	if err != nil {
		lock.Close()
		return false
	}
	d.mu.Lock()
	d.secrets[id] = rt.redactor
	d.mu.Unlock()
	d.log.V(1).Info("resuming the download of a task", "task", id)
	go d.pullThenLaunch(t, dir, st.WorkDir, rt, lock)
	return true
}
