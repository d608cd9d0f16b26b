package local

import (
	"context"
	"fmt"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// Status implements drivers.Driver. It reads the task's state directory:
// Pending until the supervisor runs, Running while its processes live,
// then Succeeded or Failed from the supervisor's record. A cancelled task is
// Failed with code Canceled, one past its deadline (enforced here too, and
// after a restart) with DeadlineExceeded, and one whose processes ended
// without a record (killed from outside, or the machine restarted) with
// Unavailable. A finished task's status is computed once and then served as
// it is: artifacts (backups), JSON output, the log tail. Unknown IDs:
// NotFound.
func (d *Driver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	if err := d.begin(ctx, "status"); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, notFound(id)
	}
	unlock, err := d.locks.lock(ctx, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dir := d.taskDir(id)
	var res drivers.TaskStatus
	if found, err := readJSON(dir, fileResult, &res); found && err == nil {
		return &res, nil
	}
	var st taskState
	found, err := readJSON(dir, fileState, &st)
	switch {
	case !found:
		return d.orphan(id)
	case err != nil:
		return nil, drivers.Errorf(drivers.Internal, "local driver: status %s: state: %w", id, err)
	}
	return d.observe(ctx, id, dir, &st)
}

// orphan reports a task without a state directory: Running while its
// processes live (the directory was deleted while it ran; it must not start
// again), else unknown.
func (d *Driver) orphan(id string) (*drivers.TaskStatus, error) {
	if held, err := d.held(id); err != nil || !held {
		return nil, notFound(id)
	}
	return &drivers.TaskStatus{ID: id, Phase: drivers.Running,
		Message: "the task's state directory was deleted while it ran; its processes still run"}, nil
}

func notFound(id string) error {
	return drivers.Errorf(drivers.NotFound, "local driver: task %q not found", id)
}

// outcome is how a task ended.
type outcome struct {
	phase   drivers.Phase
	code    drivers.Code
	message string
	at      time.Time
}

// observe works out where a task is, from its records and its lock.
func (d *Driver) observe(ctx context.Context, id, dir string, st *taskState) (*drivers.TaskStatus, error) {
	c, err := readCancel(dir)
	if err != nil {
		return nil, drivers.Errorf(drivers.Internal, "local driver: status %s: %w", id, err)
	}
	if c != nil {
		d.enforceKill(id, dir, c)
		return d.finish(ctx, id, dir, st, outcome{phase: drivers.Failed, code: c.Code, message: c.Reason, at: c.Time})
	}
	exit, err := readExit(dir)
	if err != nil {
		return nil, drivers.Errorf(drivers.Internal, "local driver: status %s: %w", id, err)
	}
	if exit == nil || !outputComplete(dir, st, exit) {
		held, err := d.held(id)
		if err != nil {
			return nil, drivers.Errorf(drivers.Unavailable, "local driver: status %s: %w", id, err)
		}
		if held { // running, or its last output is still being captured
			return d.running(ctx, id, dir, st)
		}
		if exit, err = readExit(dir); err != nil { // it may have finished since
			return nil, drivers.Errorf(drivers.Internal, "local driver: status %s: %w", id, err)
		}
	}
	if exit == nil && d.resumePull(ctx, id, dir, st) {
		return d.running(ctx, id, dir, st)
	}
	if exit == nil {
		return d.finish(ctx, id, dir, st, outcome{phase: drivers.Failed, code: drivers.Unavailable, at: time.Now(),
			message: "the task's processes ended without recording an exit status (killed from outside the driver, or the machine restarted)"})
	}
	if exit.ExitCode == 0 {
		return d.finish(ctx, id, dir, st, outcome{phase: drivers.Succeeded, at: exit.time})
	}
	return d.finish(ctx, id, dir, st, outcome{phase: drivers.Failed, code: transferCode(dir, drivers.Unknown), message: exitMessage(st, exit), at: exit.time})
}

// running reports a task whose processes live, after enforcing its
// deadline (and arming it, for a task an earlier Driver started).
func (d *Driver) running(ctx context.Context, id, dir string, st *taskState) (*drivers.TaskStatus, error) {
	if !st.Deadline.IsZero() {
		if !time.Now().Before(st.Deadline) {
			if err := d.stopLocked(id, drivers.DeadlineExceeded, deadlineReason(st.Deadline)); err != nil {
				return nil, err
			}
			return d.observe(ctx, id, dir, st)
		}
		if !d.hasTimer(id) {
			d.watch(id, st.Deadline)
		}
	}
	pid, started := readPID(dir)
	out := &drivers.TaskStatus{ID: id, Phase: drivers.Pending}
	if pid != 0 || st.Kind == drivers.KindDeleteArtifacts || d.transferring(id) {
		out.Phase, out.StartTime = drivers.Running, startTime(st, started)
		out.BytesDone = d.bytesDone(id)
	}
	out.LogTail = d.logTail(dir, d.redactor(ctx, id, dir))
	return out, nil
}

// startTime is when the task's supervisor started (for deletions, which
// the driver runs itself, when it was accepted), in UTC.
func startTime(st *taskState, started time.Time) time.Time {
	if started.IsZero() && st.Kind == drivers.KindDeleteArtifacts {
		started = st.AcceptedAt
	}
	if started.IsZero() {
		return started
	}
	return started.UTC()
}

func exitMessage(st *taskState, e *exitRecord) string {
	if e.Message != "" {
		return e.Message
	}
	if e.Step < 0 || e.Step >= len(st.Steps) {
		return fmt.Sprintf("the task exited with status %d", e.ExitCode)
	}
	s := st.Steps[e.Step]
	msg := fmt.Sprintf("command %d of %d of step %q exited with status %d", e.Command+1, s.Commands, s.Name, e.ExitCode)
	switch e.ExitCode {
	case 126:
		msg += " (not executable)"
	case 127:
		msg += " (command not found)"
	}
	return msg
}

// finish builds the final status of a task and, once its processes are
// gone, records it so that later calls serve it as it is.
func (d *Driver) finish(ctx context.Context, id, dir string, st *taskState, o outcome) (*drivers.TaskStatus, error) {
	_, started := readPID(dir)
	red := d.redactor(ctx, id, dir)
	out := &drivers.TaskStatus{ID: id, Phase: o.phase, StartTime: startTime(st, started), CompletionTime: o.at.UTC(),
		ErrorCode: o.code, Message: red.String(o.message)}
	if o.phase == drivers.Succeeded && st.Kind == drivers.KindBackup && staged(st.Task) {
		if !d.pushed(ctx, id, dir, st, out) {
			out.LogTail = d.logTail(dir, red)
			return out, nil
		}
	} else if o.phase == drivers.Succeeded && st.Kind == drivers.KindBackup {
		m := d.artifacts(ctx, id, st.BackupDir)
		if m == nil { // still measuring: the task is not over yet
			out.Phase, out.CompletionTime = drivers.Running, time.Time{}
			out.LogTail = d.logTail(dir, red)
			return out, nil
		}
		if m.err != nil {
			out.Phase, out.ErrorCode = drivers.Failed, drivers.ErrorCode(m.err)
			out.Message = red.String("measure the backup: " + m.err.Error())
		}
		out.Artifacts, out.TotalSize = m.artifacts, m.total
	}
	out.Output = jsonOutput(dir, red)
	if out.Output == nil {
		out.OutputSize, out.OutputStart = outputSummary(dir, red)
	}
	out.LogTail = d.logTail(dir, red)
	if held, err := d.held(id); err == nil && !held {
		removeEnvFiles(dir)
		if err := writeJSON(dir, fileResult, out); err != nil {
			d.log.Error(err, "cannot record a finished task's status", "task", id)
		} else {
			d.forget(id) // what it kept in memory served to reach this status
		}
	}
	return out, nil
}
