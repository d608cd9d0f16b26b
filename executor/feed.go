package executor

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/workqueue"
)

type queue = workqueue.TypedRateLimitingInterface[Request]

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
// enqueues the Requests of every event until the watch ends.
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
	router := Router{Policies: e.allPolicies}
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			return
		}
		e.enqueue(ctx, q, router, ev)
	}
}

// enqueue adds the Requests router finds for a watch event. An event
// carries no previous state: a change is routed as one from an unknown
// state, a deletion as a deletion.
func (e *Executor) enqueue(ctx context.Context, q queue, router Router, ev watch.Event) {
	var reqs []Request
	var err error
	switch ev.Type {
	case watch.Bookmark:
		return
	case watch.Deleted:
		reqs, err = router.Route(ctx, ev.Object, nil)
	default:
		reqs, err = router.Route(ctx, nil, ev.Object)
	}
	if err != nil && ctx.Err() == nil {
		e.log.Error(err, "routing a change failed")
	}
	for _, r := range reqs {
		q.Add(r)
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
		q.Add(request(KindBackup, o.Namespace, o.Name))
	}
	return err
}

func (e *Executor) listPolicies(ctx context.Context, q queue) error {
	keys, err := e.allPolicies(ctx, "")
	for _, k := range keys {
		q.Add(Request{Kind: KindBackupPolicy, Key: k})
	}
	return err
}

// allPolicies is the Policies of Run's Router: every policy, whichever
// tool changed.
func (e *Executor) allPolicies(ctx context.Context, _ string) ([]types.NamespacedName, error) {
	items, err := e.store.BackupPolicies().List(ctx, "", nil)
	keys := make([]types.NamespacedName, len(items))
	for i, o := range items {
		keys[i] = types.NamespacedName{Namespace: o.Namespace, Name: o.Name}
	}
	return keys, err
}

func (e *Executor) listRestores(ctx context.Context, q queue) error {
	items, err := e.store.RestoreJobs().List(ctx, "", nil)
	for _, o := range items {
		q.Add(request(KindRestoreJob, o.Namespace, o.Name))
	}
	return err
}
