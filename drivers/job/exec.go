package job

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// maxExecOutput bounds the standard output of a hook or status update (a
// status update's JSON).
const maxExecOutput = 64 << 10

// execTask is a hook or status-update task running by pod exec in this
// process. Its record lives only in memory: after an engine restart, Status
// of the task is NotFound and the engine starts it again, so a hook or
// status update that was running (or had finished without the engine
// recording its result) runs once more. Hooks and status-update scripts
// should be safe to repeat.
type execTask struct {
	status drivers.TaskStatus
	cancel context.CancelFunc
	done   chan struct{}
}

// startExec starts a hook or status-update task in the target's container.
// A task of this ID that this process knows is adopted.
func (d *Driver) startExec(ctx context.Context, t *drivers.Task) error {
	d.mu.Lock()
	_, known := d.execs[t.ID]
	d.mu.Unlock()
	if known {
		return nil
	}
	req, err := d.execRequest(ctx, t)
	if err != nil {
		return err
	}
	runCtx, cancel := execContext(ctx, t)
	e := &execTask{cancel: cancel, done: make(chan struct{}),
		status: drivers.TaskStatus{ID: t.ID, Phase: drivers.Running, StartTime: d.opts.Clock.Now()}}
	d.mu.Lock()
	if _, known := d.execs[t.ID]; known {
		d.mu.Unlock()
		cancel()
		return nil
	}
	d.execs[t.ID] = e
	d.mu.Unlock()
	go d.runExec(runCtx, e, req)
	return nil
}

// execRequest builds the pod exec of task t: the script runs in the target
// container, with the task's environment (secret values included) passed
// on standard input, never in the request's URL.
func (d *Driver) execRequest(ctx context.Context, t *drivers.Task) (*ExecRequest, error) {
	env, err := d.resolveEnv(ctx, t)
	if err != nil {
		return nil, err
	}
	end, err := randomEnd()
	if err != nil {
		return nil, drivers.Errorf(drivers.Internal, "job driver: task %q: %w", t.ID, err)
	}
	ns := t.Target.Namespace
	if ns == "" {
		ns = t.Owner.Namespace
	}
	container := t.Container
	if container == "" && len(t.Target.Containers) > 0 {
		container = t.Target.Containers[0]
	}
	script := execScript(&scriptSpec{steps: t.Steps})
	return &ExecRequest{
		Namespace: ns, Pod: t.Target.Name, Container: container,
		Command:   []string{"sh", "-c", script, "sh", end},
		Stdin:     envBlock(env, end),
		MaxStdout: maxExecOutput,
	}, nil
}

// execContext is the context of a task's exec: it outlives the call to
// Start and ends at the task's deadline.
func execContext(ctx context.Context, t *drivers.Task) (context.Context, context.CancelFunc) {
	if t.Deadline.IsZero() {
		return context.WithCancel(context.WithoutCancel(ctx))
	}
	return context.WithDeadline(context.WithoutCancel(ctx), t.Deadline)
}

// randomEnd is the line that ends the environment on standard input; being
// random, no value can contain it.
func randomEnd() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "__DP_END_" + hex.EncodeToString(b[:]), nil
}

// runExec runs the exec and records how it ended, unless the task was
// cancelled or forgotten meanwhile.
func (d *Driver) runExec(ctx context.Context, e *execTask, req *ExecRequest) {
	defer close(e.done)
	defer e.cancel()
	res, err := d.opts.PodExec.Exec(ctx, req)
	st := execResult(res, err, ctx.Err())
	d.mu.Lock()
	defer d.mu.Unlock()
	if e.status.Phase.IsTerminal() {
		return
	}
	st.ID, st.StartTime, st.CompletionTime = e.status.ID, e.status.StartTime, d.opts.Clock.Now()
	e.status = st
}

// execResult turns what an exec returned into a task's final status.
func execResult(res *ExecResult, err, ctxErr error) drivers.TaskStatus {
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded):
		return drivers.TaskStatus{Phase: drivers.Failed, ErrorCode: drivers.DeadlineExceeded,
			Message: "the command was still running at the task's deadline"}
	case ctxErr != nil:
		return drivers.TaskStatus{Phase: drivers.Failed, ErrorCode: drivers.Canceled, Message: "the task was cancelled"}
	case err != nil:
		return drivers.TaskStatus{Phase: drivers.Failed, ErrorCode: codeOf(err), Message: "pod exec: " + err.Error()}
	case res == nil:
		return drivers.TaskStatus{Phase: drivers.Failed, ErrorCode: drivers.Internal, Message: "pod exec returned no result"}
	case res.ExitCode != 0:
		return drivers.TaskStatus{Phase: drivers.Failed, Message: fmt.Sprintf("exited with status %d", res.ExitCode),
			LogTail: logTail(res)}
	case res.StdoutTruncated:
		return drivers.TaskStatus{Phase: drivers.Failed, ErrorCode: drivers.InvalidArgument,
			Message: fmt.Sprintf("standard output is larger than %d bytes", maxExecOutput), LogTail: logTail(res)}
	}
	return drivers.TaskStatus{Phase: drivers.Succeeded, Output: jsonObject(string(res.Stdout))}
}

// logTail is the end of an exec's standard error, or of its standard
// output when it wrote nothing on standard error.
func logTail(res *ExecResult) string {
	s := bytes.TrimSpace(res.Stderr)
	if len(s) == 0 {
		s = bytes.TrimSpace(res.Stdout)
	}
	const max = 2048
	if len(s) > max {
		s = s[len(s)-max:]
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

// execStatus reports a pod exec task of this process.
func (d *Driver) execStatus(id string) (*drivers.TaskStatus, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.execs[id]
	if !ok {
		return nil, false
	}
	st := e.status
	return &st, true
}

// cancelExec interrupts a running pod exec task; false when the task is not
// one.
func (d *Driver) cancelExec(id string) bool {
	d.mu.Lock()
	e, ok := d.execs[id]
	if ok && !e.status.Phase.IsTerminal() {
		e.status.Phase, e.status.ErrorCode, e.status.Message = drivers.Failed, drivers.Canceled, "the task was cancelled"
		e.status.CompletionTime = d.opts.Clock.Now()
	}
	d.mu.Unlock()
	if ok {
		e.cancel()
	}
	return ok
}

// forgetExec cancels a pod exec task and forgets it, waiting (while ctx
// lasts) for the exec to return.
// It reports whether the task was one.
func (d *Driver) forgetExec(ctx context.Context, id string) (bool, error) {
	d.mu.Lock()
	e, ok := d.execs[id]
	delete(d.execs, id)
	d.mu.Unlock()
	if !ok {
		return false, nil
	}
	e.cancel()
	select {
	case <-e.done:
		return true, nil
	case <-ctx.Done():
		return true, drivers.WithCode(drivers.ErrorCode(ctx.Err()), ctx.Err())
	}
}
