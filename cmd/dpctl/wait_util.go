package main

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// condition says whether a wait is over, given the object (nil once it is
// gone), and with which error.
type condition func(obj store.Object) (done bool, err error)

// recheck is how often a wait reads the object again besides its watch.
const recheck = 5 * time.Second

// waitFor makes sure the object's work runs (backend.Work) and waits until
// cond holds, showing progress. It returns the object last seen.
func (a *app) waitFor(ctx context.Context, be backend, k *kind, namespace, name string, cond condition) (store.Object, error) {
	p := a.newProgress(k.ref(namespace, name))
	defer p.done()
	workCtx, stop, err := be.Work(ctx, p.event)
	if err != nil {
		return nil, err
	}
	defer stop()
	w := &waiter{k: k, st: be.Store(), namespace: namespace, name: name, cond: cond, p: p}
	obj, err := w.run(workCtx)
	if err == nil || workCtx.Err() == nil {
		return obj, err
	}
	again := fmt.Sprintf("dpctl wait %s %s waits again", k.names[0], name)
	if cause := context.Cause(workCtx); cause != workCtx.Err() { // the engine failed
		return obj, fmt.Errorf("%w; %s was %s; %s", cause, p.what, p.phase, again)
	}
	return obj, fmt.Errorf("%s is still %s; %s", p.what, p.phase, again)
}

// waiter watches one object until its condition holds.
type waiter struct {
	k         *kind
	st        store.Store
	namespace string
	name      string
	cond      condition
	p         *progress
	last      store.Object
}

// run watches, reads the object, and follows the watch; when the watch
// ends it starts again.
func (w *waiter) run(ctx context.Context) (store.Object, error) {
	for {
		wi, err := w.k.ops.watch(ctx, w.st, w.namespace)
		if err != nil {
			return w.last, fmt.Errorf("watch %s: %w", w.k.plural, err)
		}
		done, err := w.check(ctx)
		if !done && err == nil {
			done, err = w.follow(ctx, wi)
		}
		wi.Stop()
		if done || err != nil {
			return w.last, err
		}
	}
}

// check reads the object and evaluates the condition.
func (w *waiter) check(ctx context.Context) (bool, error) {
	obj, err := w.k.ops.get(ctx, w.st, w.namespace, w.name)
	if drivers.IsNotFound(err) {
		obj, err = nil, nil
	}
	if err != nil {
		return false, fmt.Errorf("get %s: %w", w.k.ref(w.namespace, w.name), err)
	}
	return w.see(obj)
}

// see records obj (nil: gone), shows its phase and evaluates the condition.
func (w *waiter) see(obj store.Object) (bool, error) {
	if obj != nil {
		w.last = obj
	}
	w.p.observe(phaseOf(obj))
	return w.cond(obj)
}

// follow reads the watch until the condition holds, the watch ends (false,
// nil), or ctx ends.
func (w *waiter) follow(ctx context.Context, wi watch.Interface) (bool, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case ev, ok := <-wi.ResultChan():
			if !ok || ev.Type == watch.Error {
				return false, nil
			}
			if done, err := w.event(ev); done || err != nil {
				return done, err
			}
		case <-tick.C:
			w.p.tick()
			if n%int(recheck/time.Second) == 0 {
				if done, err := w.check(ctx); done || err != nil {
					return done, err
				}
			}
		}
	}
}

// event evaluates the condition on a watch event about the object.
func (w *waiter) event(ev watch.Event) (bool, error) {
	obj, ok := ev.Object.(store.Object)
	if !ok || obj.GetName() != w.name || obj.GetNamespace() != w.namespace {
		return false, nil
	}
	if ev.Type == watch.Deleted {
		return w.see(nil)
	}
	return w.see(obj)
}

// phaseOf is what progress shows of an object: its phase, or that it is
// being deleted or gone.
func phaseOf(obj store.Object) string {
	switch o := obj.(type) {
	case nil:
		return "deleted"
	case *v1alpha1.Backup:
		if o.DeletionTimestamp != nil {
			return "deleting its data"
		}
		return orNew(string(o.Status.Phase))
	case *v1alpha1.RestoreJob:
		return orNew(string(o.Status.Phase))
	case *v1alpha1.BackupPolicy:
		return orNew(string(o.Status.Phase))
	}
	return "present"
}

func orNew(phase string) string {
	if phase == "" {
		return "New"
	}
	return phase
}
