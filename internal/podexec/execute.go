package podexec

import (
	"context"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// saveTimeout bounds the writing of a final record, which outlives the
// call that started the task.
const saveTimeout = 30 * time.Second

// execContext is the context of a task's exec: it outlives the call to
// Start and ends at the task's deadline.
func execContext(ctx context.Context, t *drivers.Task) (context.Context, context.CancelFunc) {
	if t.Deadline.IsZero() {
		return context.WithCancel(context.WithoutCancel(ctx))
	}
	return context.WithDeadline(context.WithoutCancel(ctx), t.Deadline)
}

// execute runs the exec of task t and records how it ended, unless the
// task ended meanwhile (cancelled). Once the final record is written, the
// task is served from it, and this process forgets it.
func (r *Runner) execute(ctx context.Context, t *drivers.Task, ru *run, req *Request, red *envvar.Redactor) {
	defer close(ru.done)
	defer ru.cancel()
	id := t.ID
	res, err := r.exec(ctx, req)
	o := outcomeOf(res, err, ctx.Err(), red)
	if t.Kind != drivers.KindStatusUpdate {
		o.output = nil // only a status update's output means something
	}
	r.mu.Lock()
	ru.rec.end(o, r.now())
	rec := ru.rec
	r.mu.Unlock()
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	if err := r.save(saveCtx, id, &rec); err != nil {
		r.opts.Logger.Error(err, "cannot record the end of a pod exec task; this process keeps it", "task", id)
		return
	}
	r.drop(id, ru)
}

// exec runs req; a panic of the Executor is an Internal error.
func (r *Runner) exec(ctx context.Context, req *Request) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, drivers.Errorf(drivers.Internal, "the pod executor panicked: %v", p)
		}
	}()
	return r.opts.Exec.Exec(ctx, req)
}

// memory returns the run of task id in this process, or nil.
func (r *Runner) memory(id string) *run {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs[id]
}

// claim makes ru the run of task id, unless there is one.
func (r *Runner) claim(id string, ru *run) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.runs[id]; ok {
		return false
	}
	r.runs[id] = ru
	return true
}

// drop forgets ru, if it is still the run of task id.
func (r *Runner) drop(id string, ru *run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.runs[id] == ru {
		delete(r.runs, id)
	}
}
