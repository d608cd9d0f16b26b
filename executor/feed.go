package executor

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/util/workqueue"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

type queue = workqueue.TypedRateLimitingInterface[Request]

// feeders returns one function per kind that lists it, enqueues every
// object, then watches and enqueues what changes, until the watch ends (the
// caller restarts it).
func (e *Executor) feeders(q queue) []func(context.Context) {
	s := e.store
	router := e.Router()
	views, metas := backupViews{}, policyMetas{}
	backups := func(ctx context.Context, ev watch.Event) ([]Request, error) {
		reqs, freed := views.route(ev)
		return router.withStartable(ctx, reqs, freed)
	}
	policies := func(_ context.Context, ev watch.Event) ([]Request, error) { return metas.route(ev), nil }
	others := func(ctx context.Context, ev watch.Event) ([]Request, error) {
		if ev.Type == watch.Deleted {
			return router.Route(ctx, ev.Object, nil)
		}
		return router.Route(ctx, nil, ev.Object)
	}
	return []func(context.Context){
		func(ctx context.Context) { e.feed(ctx, q, s.Backups().Watch, e.listBackups, backups) },
		func(ctx context.Context) { e.feed(ctx, q, s.BackupPolicies().Watch, e.listPolicies, policies) },
		func(ctx context.Context) { e.feed(ctx, q, s.RestoreJobs().Watch, e.listRestores, others) },
		func(ctx context.Context) { e.feed(ctx, q, s.BackupTools().Watch, e.listPolicies, others) },
	}
}

// routeFunc returns the Requests of a watch event.
type routeFunc func(context.Context, watch.Event) ([]Request, error)

// feed starts a watch, lists (so nothing between the two is missed), and
// enqueues the Requests route finds for every event until the watch ends.
func (e *Executor) feed(ctx context.Context, q queue, watchFn func(context.Context, string) (watch.Interface, error),
	list func(context.Context, queue) error, route routeFunc) {
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
		switch ev.Type {
		case watch.Error:
			return
		case watch.Bookmark:
			continue
		}
		reqs, err := route(ctx, ev)
		if err != nil && ctx.Err() == nil {
			e.log.Error(err, "routing a change failed")
		}
		for _, r := range reqs {
			q.Add(r)
		}
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
	keys, err := e.allPolicies(ctx)
	for _, k := range keys {
		q.Add(Request{Kind: KindBackupPolicy, Key: k})
	}
	return err
}

// allPolicies lists the key of every policy.
func (e *Executor) allPolicies(ctx context.Context) ([]types.NamespacedName, error) {
	items, err := e.store.BackupPolicies().List(ctx, "", nil)
	return policyKeys(items), err
}

// toolPolicies is the Policies of the engine's Router: the policies that
// name the tool, from the store's index.
func (e *Executor) toolPolicies(ctx context.Context, tool string) ([]types.NamespacedName, error) {
	items, err := store.ListByShared(ctx, e.store.BackupPolicies(), "", store.IndexBackupTool, tool)
	return policyKeys(items), err
}

func policyKeys(items []*v1alpha1.BackupPolicy) []types.NamespacedName {
	keys := make([]types.NamespacedName, len(items))
	for i, o := range items {
		keys[i] = types.NamespacedName{Namespace: o.Namespace, Name: o.Name}
	}
	return keys
}

func (e *Executor) listRestores(ctx context.Context, q queue) error {
	items, err := e.store.RestoreJobs().List(ctx, "", nil)
	for _, o := range items {
		q.Add(request(KindRestoreJob, o.Namespace, o.Name))
	}
	return err
}
