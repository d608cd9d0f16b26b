package local

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
)

// pollInterval is how often the driver looks whether a task's processes are
// gone while it waits for them.
const pollInterval = 5 * time.Millisecond

// Cancel implements drivers.Driver: it records the cancellation (from then
// on the task reports Failed with code Canceled), sends SIGTERM to the
// task's process group and SIGKILL after KillGrace. Cancelling a finished,
// cancelled or unknown task does nothing.
func (d *Driver) Cancel(ctx context.Context, id string) error {
	if err := d.begin(ctx, "cancel"); err != nil {
		return err
	}
	if !validID(id) {
		return nil
	}
	unlock, err := d.locks.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	return d.stopLocked(id, drivers.Canceled, "the task was cancelled")
}

// Cleanup implements drivers.Driver: it stops the task's processes if they
// still run (SIGTERM, SIGKILL after KillGrace or when ctx ends) and removes
// its state directory (logs and output included); the backup directory is
// never touched. Idempotent; an unknown ID returns nil.
func (d *Driver) Cleanup(ctx context.Context, id string) error {
	if err := d.begin(ctx, "cleanup"); err != nil {
		return err
	}
	if !validID(id) {
		return nil
	}
	unlock, err := d.locks.lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	dir := d.taskDir(id)
	if err := d.stopLocked(id, drivers.Canceled, "the task was cleaned up while it ran"); err != nil {
		return err
	}
	if d.waitGone(ctx, id, d.opts.KillGrace) {
		d.signal(id, dir, true)
		d.waitGone(ctx, id, time.Second)
	}
	if exists(dir) {
		trash := filepath.Join(d.state, trashPrefix+id+"-"+randomSuffix())
		if err := os.Rename(dir, trash); err != nil {
			return drivers.Errorf(drivers.Unavailable, "local driver: cleanup %s: %w", id, err)
		}
		if err := os.RemoveAll(trash); err != nil {
			d.log.Error(err, "cannot remove a cleaned-up task's state", "task", id)
		}
	}
	d.removeLock(id)
	d.forget(id)
	d.log.V(1).Info("cleaned up a task", "task", id)
	return nil
}

// waitGone waits up to max (and while ctx lasts) for the processes of
// task id to end; it reports whether some still live.
func (d *Driver) waitGone(ctx context.Context, id string, max time.Duration) bool {
	deadline := time.Now().Add(max)
	for {
		held, err := d.held(id)
		if err != nil || !held {
			return false
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return true
		}
		time.Sleep(pollInterval)
	}
}

// stopLocked records that the task stops for the reason code (Canceled or
// DeadlineExceeded) and signals its processes, unless it finished or was
// stopped before; a task whose state directory was deleted is only
// signalled. The caller holds the task's lock.
func (d *Driver) stopLocked(id string, code drivers.Code, reason string) error {
	dir := d.taskDir(id)
	if !exists(dir) {
		if held, err := d.held(id); err == nil && held {
			d.signal(id, dir, false)
			d.addTimer(id, d.opts.KillGrace, func() { d.escalate(id) })
		}
		return nil
	}
	if exists(filepath.Join(dir, fileExit)) || exists(filepath.Join(dir, fileCancel)) || exists(filepath.Join(dir, fileResult)) {
		return nil
	}
	now := time.Now()
	rec := cancelRecord{Code: code, Reason: reason, Time: now, KillAt: now.Add(d.opts.KillGrace)}
	if err := writeJSON(dir, fileCancel, rec); err != nil {
		return drivers.Errorf(drivers.Unavailable, "local driver: stop %s: %w", id, err)
	}
	d.log.V(1).Info("stopping a task", "task", id, "code", code.String())
	d.cancelTransfers(id)
	d.signal(id, dir, false)
	d.addTimer(id, d.opts.KillGrace, func() { d.escalate(id) })
	return nil
}

// signal sends SIGTERM (SIGKILL when force is set) to the task's process
// group, while its processes live.
func (d *Driver) signal(id, dir string, force bool) {
	d.mu.Lock()
	pid := d.pids[id]
	d.mu.Unlock()
	if pid == 0 {
		pid, _ = readPID(dir)
	}
	if pid == 0 {
		pid = d.lockPID(id)
	}
	if held, err := d.held(id); err != nil || !held || pid == 0 {
		return
	}
	if err := signalGroup(pid, force); err != nil {
		d.log.Error(err, "cannot signal a task's processes", "task", id, "pgid", pid, "kill", force)
	}
}

// escalate kills what is left of a stopped task after the grace period.
func (d *Driver) escalate(id string) {
	unlock, err := d.locks.lock(context.Background(), id)
	if err != nil {
		return
	}
	defer unlock()
	d.signal(id, d.taskDir(id), true)
}

// enforceKill kills a stopped task's leftovers whose grace period is over,
// and arms the escalation for tasks stopped by an earlier Driver.
func (d *Driver) enforceKill(id, dir string, c *cancelRecord) {
	if wait := time.Until(c.KillAt); wait > 0 {
		if !d.hasTimer(id) {
			d.addTimer(id, wait, func() { d.escalate(id) })
		}
		return
	}
	d.signal(id, dir, true)
}

// watch arms the task's deadline.
func (d *Driver) watch(id string, deadline time.Time) {
	if deadline.IsZero() {
		return
	}
	d.addTimer(id, max(time.Until(deadline), 0), func() { d.expire(id, deadline) })
}

// expire stops a task that ran past its deadline.
func (d *Driver) expire(id string, deadline time.Time) {
	unlock, err := d.locks.lock(context.Background(), id)
	if err != nil {
		return
	}
	defer unlock()
	if err := d.stopLocked(id, drivers.DeadlineExceeded, deadlineReason(deadline)); err != nil {
		d.log.Error(err, "cannot stop a task past its deadline", "task", id)
	}
}

// validID reports whether id can be a task's ID; no other ID can name a
// task, or a directory.
func validID(id string) bool { return len(validation.IsDNS1123Label(id)) == 0 }
