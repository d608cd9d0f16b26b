package csi

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// HookRunner runs the commands of hook and status-update tasks in a
// container of a target; the host provides it (with a pod exec, say).
type HookRunner interface {
	// Run runs commands in order, each with `sh -c`, in container of
	// target (empty: the target's default container), with env: one entry
	// per name, $(VAR) references already expanded by the driver, secret
	// references (ValueFrom) left for the runner to resolve. It stops at
	// the first command that fails and returns the standard output so far
	// and an error that should carry the command's standard error: the
	// task reports it as its message, at the end of its log tail, and with
	// its drivers code, if it has one. It must return promptly when ctx
	// ends.
	Run(ctx context.Context, target drivers.Target, container string, commands []string, env []corev1.EnvVar) (stdout []byte, err error)
}

// hookRun is a hook or status-update task running in a goroutine; its
// fields are guarded by the driver's mutex.
type hookRun struct {
	cancel   context.CancelFunc
	done     bool
	stdout   []byte
	err      error
	code     drivers.Code
	finished time.Time
}

// logTailSize bounds TaskStatus.LogTail.
const logTailSize = 4096

// startHook runs the task's steps through Options.Hooks in the background,
// unless a task of that ID is known.
func (d *Driver) startHook(t *drivers.Task) error {
	task := *t
	ctx, cancel := context.WithCancel(context.Background())
	if !t.Deadline.IsZero() {
		cancel()
		ctx, cancel = context.WithDeadline(context.Background(), t.Deadline)
	}
	rec := &record{kind: t.Kind, namespace: namespaceOf(t), task: &task, started: d.opts.Clock.Now(), hook: &hookRun{cancel: cancel}}
	if _, added := d.remember(t.ID, rec); !added {
		cancel()
		return nil
	}
	go d.runHook(ctx, rec)
	return nil
}

func (d *Driver) runHook(ctx context.Context, rec *record) {
	defer rec.hook.cancel()
	out, err := d.runSteps(ctx, rec.task)
	code := drivers.ErrorCode(err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		code = drivers.DeadlineExceeded
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	h := rec.hook
	h.done, h.stdout, h.err, h.code, h.finished = true, out, err, code, d.opts.Clock.Now()
}

// runSteps runs each step's commands through the runner; a panic of the
// runner is an Internal error.
func (d *Driver) runSteps(ctx context.Context, t *drivers.Task) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = drivers.Errorf(drivers.Internal, "csi: hook runner panicked: %v", r)
		}
	}()
	container := t.Container
	if container == "" && len(t.Target.Containers) > 0 {
		container = t.Target.Containers[0]
	}
	for _, s := range t.Steps {
		if len(s.Commands) == 0 {
			continue
		}
		b, err := d.opts.Hooks.Run(ctx, t.Target, container, s.Commands, stepEnv(t.Env, s.Env))
		out = append(out, b...)
		if err != nil {
			return out, fmt.Errorf("%s step %q in %s/%s container %q: %w", t.Kind, s.Name, t.Target.Namespace, t.Target.Name, container, err)
		}
	}
	return out, nil
}

// hookStatus reports a hook or status-update task.
func (d *Driver) hookStatus(rec *record) *drivers.TaskStatus {
	now := d.opts.Clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	h, id := rec.hook, rec.task.ID
	if rec.end == nil && !h.done {
		if dl := rec.task.Deadline; !dl.IsZero() && now.After(dl) {
			rec.end = &outcome{code: drivers.DeadlineExceeded, at: now, msg: "not finished by the deadline " + dl.Format(time.RFC3339)}
			h.cancel()
		}
	}
	if rec.end != nil {
		st := failedStatus(id, rec.started, *rec.end)
		st.LogTail = tail(h.stdout)
		return st
	}
	st := &drivers.TaskStatus{ID: id, Phase: drivers.Running, StartTime: rec.started}
	if !h.done {
		return st
	}
	st.CompletionTime, st.LogTail = h.finished, tail(h.stdout)
	if h.err != nil {
		st.Phase, st.ErrorCode, st.Message = drivers.Failed, h.code, h.err.Error()
		st.LogTail = failureLog(h.stdout, st.Message)
		return st
	}
	st.Phase = drivers.Succeeded
	if rec.kind == drivers.KindStatusUpdate {
		st.Output = append([]byte(nil), h.stdout...)
	}
	return st
}

// cancelHook cancels a hook that has not finished; it then reports Failed
// with Canceled, even before the runner returns.
func (d *Driver) cancelHook(rec *record) {
	now := d.opts.Clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if rec.end == nil && !rec.hook.done {
		rec.end = &outcome{code: drivers.Canceled, msg: "cancelled", at: now}
	}
	rec.hook.cancel()
}

// stepEnv is the environment of a step's commands: the task's variables,
// then the step's, each value's $(VAR) references to the variables before it
// expanded as the kubelet does, one entry per name (a later definition
// replaces an earlier one, in its place).
func stepEnv(taskEnv, stepEnv []corev1.EnvVar) []corev1.EnvVar {
	values := map[string]string{}
	lookup := func(name string) (string, bool) { v, ok := values[name]; return v, ok }
	at := map[string]int{}
	out := make([]corev1.EnvVar, 0, len(taskEnv)+len(stepEnv))
	for _, list := range [][]corev1.EnvVar{taskEnv, stepEnv} {
		for _, v := range list {
			if v.ValueFrom == nil {
				v.Value = envvar.Expand(v.Value, lookup)
				values[v.Name] = v.Value
			} else {
				delete(values, v.Name)
			}
			if i, ok := at[v.Name]; ok {
				out[i] = v
				continue
			}
			at[v.Name] = len(out)
			out = append(out, v)
		}
	}
	return out
}

// failureLog is the log tail of a failed hook: its output, then why it
// failed (the runner's error, with the command's standard error).
func failureLog(stdout []byte, why string) string {
	b := append([]byte(nil), stdout...)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return tail(append(b, why...))
}

func tail(b []byte) string {
	if len(b) > logTailSize {
		b = b[len(b)-logTailSize:]
	}
	return string(b)
}
