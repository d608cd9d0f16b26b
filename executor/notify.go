package executor

import (
	"context"
	"reflect"
	"sync"

	"github.com/dpsdk/dataprotection/drivers"
)

// notices route drivers' notifications (drivers.Notifier) to the queue:
// the engine notes the owner of each task that runs (the Request whose
// reconcile drives it) and, while Run subscribes, a notification of that
// task queues the owner.
type notices struct {
	mu        sync.Mutex
	owners    map[string]Request // by task ID, while the task runs
	notifying map[string]bool    // registered driver names that notify
}

// reconcileState travels in the context of one Reconcile: the Request, and
// the drivers of the tasks it left running.
type reconcileState struct {
	req     Request
	waiting []string
}

type reconcileStateKey struct{}

func withReconcileState(ctx context.Context, req Request) (context.Context, *reconcileState) {
	st := &reconcileState{req: req}
	return context.WithValue(ctx, reconcileStateKey{}, st), st
}

// running notes that the task runs on driver, driven by the reconcile of
// ctx.
func (e *Executor) running(ctx context.Context, driver, taskID string) {
	st, ok := ctx.Value(reconcileStateKey{}).(*reconcileState)
	if !ok {
		return
	}
	st.waiting = append(st.waiting, driver)
	e.notices.mu.Lock()
	defer e.notices.mu.Unlock()
	if e.notices.owners == nil {
		e.notices.owners = map[string]Request{}
	}
	e.notices.owners[taskID] = st.req
}

// settled notes that a task finished or was abandoned.
func (e *Executor) settled(taskID string) {
	e.notices.mu.Lock()
	defer e.notices.mu.Unlock()
	delete(e.notices.owners, taskID)
}

// fallback lengthens a poll of tasks whose drivers all notify.
func (e *Executor) fallback(res Result, st *reconcileState) Result {
	if res.RequeueAfter != e.opts.PollInterval || len(st.waiting) == 0 {
		return res
	}
	e.notices.mu.Lock()
	defer e.notices.mu.Unlock()
	for _, d := range st.waiting {
		if !e.notices.notifying[d] {
			return res
		}
	}
	return Result{RequeueAfter: e.opts.NotifiedPollInterval}
}

// subscribe asks every driver that implements drivers.Notifier to notify
// until ctx ends; a notification queues the task's owner.
func (e *Executor) subscribe(ctx context.Context, q queue) {
	notify := func(id string) {
		e.notices.mu.Lock()
		req, ok := e.notices.owners[id]
		e.notices.mu.Unlock()
		if ok {
			q.Add(req)
		}
	}
	subscribed := map[any]error{}
	for _, name := range e.drivers.Names() {
		n, ok := e.drivers[name].(drivers.Notifier)
		if !ok {
			continue
		}
		var err error
		if id, comparable := identity(n); !comparable {
			err = n.Notify(ctx, notify)
		} else if err, ok = subscribed[id]; !ok {
			err = n.Notify(ctx, notify)
			subscribed[id] = err
		}
		e.setNotifying(name, err == nil)
		if err != nil {
			e.log.Info("driver does not notify: its tasks are polled", "driver", name, "reason", err.Error())
		}
	}
	context.AfterFunc(ctx, func() {
		for _, name := range e.drivers.Names() {
			e.setNotifying(name, false)
		}
	})
}

func (e *Executor) setNotifying(name string, on bool) {
	e.notices.mu.Lock()
	defer e.notices.mu.Unlock()
	if e.notices.notifying == nil {
		e.notices.notifying = map[string]bool{}
	}
	e.notices.notifying[name] = on
}

// identity returns n as a map key when it can be one (the same driver
// registered under several names is subscribed to once).
func identity(n drivers.Notifier) (any, bool) {
	return n, reflect.TypeOf(n).Comparable()
}
