package executor

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Wait waits until the Backup or RestoreJob req names reaches a final
// phase (Completed or Failed; a Backup also when its deletion began) and
// returns it: a *v1alpha1.Backup or a *v1alpha1.RestoreJob. It reads the
// object once, then follows the store's Watch of its namespace (watching
// again, after one more read, when a watch ends), so it does not poll; it
// does not reconcile anything itself (Run, or the host's loop, does).
// It returns ctx's error when ctx ends first, an error for which
// drivers.IsNotFound is true when the object does not exist or is
// deleted, and one with code InvalidArgument for a kind other than
// KindBackup and KindRestoreJob. Safe for concurrent use.
func (e *Executor) Wait(ctx context.Context, req Request) (runtime.Object, error) {
	switch req.Kind {
	case KindBackup:
		return waitFor(ctx, e.store.Backups(), req.Key, func(b *v1alpha1.Backup) bool {
			return b.Status.Phase.IsTerminal() || b.DeletionTimestamp != nil
		})
	case KindRestoreJob:
		return waitFor(ctx, e.store.RestoreJobs(), req.Key, func(r *v1alpha1.RestoreJob) bool {
			return r.Status.Phase.IsTerminal()
		})
	}
	return nil, drivers.Errorf(drivers.InvalidArgument, "dataprotection: wait for %s: only Backups and RestoreJobs finish", req)
}

// waitFor returns the object key of res once done says so.
func waitFor[T store.Object](ctx context.Context, res store.Resource[T], key types.NamespacedName, done func(T) bool) (T, error) {
	var zero T
	for {
		w, err := res.Watch(ctx, key.Namespace) // before the read: no change falls between the two
		if err != nil {
			return zero, err
		}
		obj, found, err := watchUntil(ctx, res, w, key, done)
		w.Stop()
		if err != nil || found {
			return obj, err
		}
	}
}

// watchUntil reads key, then follows w until done says so (found), the
// watch ends (not found, no error: watch again), the object is deleted or
// ctx ends (an error).
func watchUntil[T store.Object](ctx context.Context, res store.Resource[T], w watch.Interface, key types.NamespacedName,
	done func(T) bool) (T, bool, error) {
	var zero T
	obj, err := res.Get(ctx, key.Namespace, key.Name)
	if err != nil {
		return zero, false, err
	}
	if done(obj) {
		return obj, true, nil
	}
	for {
		select {
		case <-ctx.Done():
			return zero, false, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok || ev.Type == watch.Error {
				return zero, false, nil
			}
			o, ok := object(ev.Object).(T)
			if !ok || o.GetName() != key.Name || o.GetNamespace() != key.Namespace {
				continue
			}
			if ev.Type == watch.Deleted {
				return zero, false, drivers.Errorf(drivers.NotFound, "%s was deleted", key)
			}
			if done(o) {
				return o, true, nil
			}
		}
	}
}
