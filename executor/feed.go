package executor

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/workqueue"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

type queue = workqueue.TypedRateLimitingInterface[item]

// feeders returns one function per kind that lists it, enqueues every
// object, then watches and enqueues what changes, until the watch ends (the
// caller restarts it).
func (e *Executor) feeders(q queue) []func(context.Context) {
	s := e.store
	return []func(context.Context){
		func(ctx context.Context) { e.feed(ctx, q, s.Backups().Watch, e.listBackups) },
		func(ctx context.Context) { e.feed(ctx, q, s.BackupPolicies().Watch, e.listPolicies) },
		func(ctx context.Context) { e.feed(ctx, q, s.RestoreJobs().Watch, e.listRestores) },
		func(ctx context.Context) { e.feed(ctx, q, s.BackupTools().Watch, e.listPolicies) },
	}
}

// feed starts a watch, lists (so nothing between the two is missed), and
// enqueues the items of every event until the watch ends.
func (e *Executor) feed(ctx context.Context, q queue, watchFn func(context.Context, string) (watch.Interface, error),
	list func(context.Context, queue) error) {
	w, err := watchFn(ctx, "")
	if err != nil {
		e.log.Error(err, "watch failed")
		return
	}
	defer w.Stop()
	if err := list(ctx, q); err != nil {
		e.log.Error(err, "list failed")
		return
	}
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			return
		}
		e.enqueueObject(ctx, q, ev.Object)
	}
}

// enqueueObject enqueues the items an object's change concerns: the object
// itself, the policy of a Backup (its schedule, times and retention depend
// on its Backups), and every policy when a BackupTool changes.
func (e *Executor) enqueueObject(ctx context.Context, q queue, obj any) {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		q.Add(item{kindBackup, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
		q.Add(item{kindPolicy, types.NamespacedName{Namespace: o.Namespace, Name: o.Spec.BackupPolicyName}})
	case *v1alpha1.BackupPolicy:
		q.Add(item{kindPolicy, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	case *v1alpha1.RestoreJob:
		q.Add(item{kindRestore, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	case *v1alpha1.BackupTool:
		_ = e.listPolicies(ctx, q)
	}
}

func (e *Executor) resync(ctx context.Context, q queue) {
	for _, list := range []func(context.Context, queue) error{e.listBackups, e.listPolicies, e.listRestores} {
		if err := list(ctx, q); err != nil && ctx.Err() == nil {
			e.log.Error(err, "resync failed")
		}
	}
}

func (e *Executor) listBackups(ctx context.Context, q queue) error {
	items, err := e.store.Backups().List(ctx, "", nil)
	for _, o := range items {
		q.Add(item{kindBackup, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	}
	return err
}

func (e *Executor) listPolicies(ctx context.Context, q queue) error {
	items, err := e.store.BackupPolicies().List(ctx, "", nil)
	for _, o := range items {
		q.Add(item{kindPolicy, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	}
	return err
}

func (e *Executor) listRestores(ctx context.Context, q queue) error {
	items, err := e.store.RestoreJobs().List(ctx, "", nil)
	for _, o := range items {
		q.Add(item{kindRestore, types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	}
	return err
}
