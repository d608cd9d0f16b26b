package executor

import (
	"context"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Kind says which Reconcile method a Request is for.
type Kind int

// The kinds of Request.
const (
	// KindBackup requests ReconcileBackup.
	KindBackup Kind = iota
	// KindBackupPolicy requests ReconcileBackupPolicy.
	KindBackupPolicy
	// KindRestoreJob requests ReconcileRestoreJob.
	KindRestoreJob
)

var kindNames = [...]string{"Backup", "BackupPolicy", "RestoreJob"}

// String returns the kind's name, such as "BackupPolicy".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Request is one object for the engine to reconcile: the item of a work
// queue. It is comparable, so a queue merges duplicates.
type Request struct {
	// Kind says which Reconcile method takes it.
	Kind Kind
	// Key is the object's namespace and name.
	Key types.NamespacedName
}

// String returns the kind and key, such as "Backup demo/b1".
func (r Request) String() string { return r.Kind.String() + " " + r.Key.String() }

// Router turns the change of a stored object into the Requests it concerns:
// what an event handler puts on the work queue. Engine.Run routes with one;
// a host with its own loop calls Route from its informers' handlers. The
// zero Router routes every kind but BackupTool (see Policies).
type Router struct {
	// Policies returns the BackupPolicies that a change of the BackupTool
	// named tool concerns. Returning every policy is always correct (Run
	// does); returning only those that name the tool is enough. Nil: a
	// BackupTool change requests nothing.
	Policies func(ctx context.Context, tool string) ([]types.NamespacedName, error)
	// Startable returns the Backups and RestoreJobs that wait for a
	// concurrency limit and may start now: a Backup or RestoreJob that
	// stops running concerns them. Nil: it concerns nothing more.
	Startable func(ctx context.Context) ([]Request, error)
}

// Router returns the Router that Run routes with: a BackupTool change
// concerns the policies that name the tool, found in the store's index, and
// a Backup or RestoreJob that stops running concerns those waiting for a
// concurrency limit that may start now. A host with its own loop routes
// its informers' events with it.
func (e *Executor) Router() Router { return Router{Policies: e.toolPolicies, Startable: e.startable} }

// startable is the Startable of the engine's Router.
func (e *Executor) startable(ctx context.Context) ([]Request, error) {
	bs, err := e.startableBackups(ctx)
	if err != nil {
		return bs, err
	}
	rs, err := e.startableRestores(ctx)
	return append(bs, rs...), err
}

// Route returns the Requests that a change of an object concerns. old is
// the object before the change and obj after it: old is nil for a creation
// and for a change whose previous state is unknown (a watch event); obj is
// nil for a deletion. Either may be a client-go tombstone
// (cache.DeletedFinalStateUnknown). Objects of other kinds concern nothing.
//
// A BackupPolicy concerns itself, unless only its status changed (the
// engine writes it; its spec, metadata and Backups are what a reconcile
// acts on). A Backup concerns itself, and its policy when what the policy reads of it
// changed: its existence, phase, policy, the labels and annotations of
// schedules and retention, its parent, its deletion mark — the policy's
// schedule times, history limit, lastSuccessfulTime and retention depend
// on those, not on the Backup's other writes. A BackupPolicy
// and a RestoreJob concern themselves; a BackupTool concerns the policies
// Policies returns (a policy's validity depends on its tool). The error is
// that of Policies, returned with the Requests found.
//
// Pass old whenever it is known (an informer's update): without it, a
// changed Backup concerns its policy as a new one does.
func (r Router) Route(ctx context.Context, old, obj any) ([]Request, error) {
	oldObj, newObj := object(old), object(obj)
	if obj = newObj; obj == nil {
		obj = oldObj // a deletion concerns the last state known
	}
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		reqs, freed := routeBackup(oldObj, newObj, o)
		return r.withStartable(ctx, reqs, freed)
	case *v1alpha1.BackupPolicy:
		if op, ok := oldObj.(*v1alpha1.BackupPolicy); ok && newObj != nil && !policyChanged(op, o) {
			return nil, nil // its status: the engine's own write
		}
		return named(request(KindBackupPolicy, o.Namespace, o.Name)), nil
	case *v1alpha1.RestoreJob:
		return r.withStartable(ctx, named(request(KindRestoreJob, o.Namespace, o.Name)), restoreStopped(oldObj, newObj))
	case *v1alpha1.BackupTool:
		return r.toolPolicies(ctx, o.Name)
	}
	return nil, nil
}

// toolPolicies requests the policies that a change of tool concerns.
func (r Router) toolPolicies(ctx context.Context, tool string) ([]Request, error) {
	if r.Policies == nil {
		return nil, nil
	}
	keys, err := r.Policies(ctx, tool)
	out := make([]Request, 0, len(keys))
	for _, k := range keys {
		out = append(out, Request{Kind: KindBackupPolicy, Key: k})
	}
	return out, err
}

// withStartable adds to reqs, when freed, the Requests of Startable.
func (r Router) withStartable(ctx context.Context, reqs []Request, freed bool) ([]Request, error) {
	if !freed || r.Startable == nil {
		return reqs, nil
	}
	more, err := r.Startable(ctx)
	return append(reqs, more...), err
}

// restoreStopped reports whether a change of a RestoreJob may have stopped
// a running one: it finished or is gone, and was running or in a state
// unknown.
func restoreStopped(old, obj any) bool {
	or, _ := old.(*v1alpha1.RestoreJob)
	nr, _ := obj.(*v1alpha1.RestoreJob)
	stopped := nr == nil || nr.Status.Phase.IsTerminal()
	return stopped && (or == nil || or.Status.Phase == v1alpha1.RestoreJobInProgressPhy ||
		or.Status.Phase == v1alpha1.RestoreJobInProgressLogic)
}

// routeBackup requests the Backup b (obj, or old for a deletion) and its
// policy as routeBackupView says.
func routeBackup(old, obj any, b *v1alpha1.Backup) ([]Request, bool) {
	var ov *policyView
	if ob, ok := old.(*v1alpha1.Backup); ok {
		v := policyViewOf(ob)
		ov = &v
	}
	nb, _ := obj.(*v1alpha1.Backup)
	return routeBackupView(ov, nb, b)
}

func request(k Kind, namespace, name string) Request {
	return Request{Kind: k, Key: types.NamespacedName{Namespace: namespace, Name: name}}
}

// named returns the requests that have a name.
func named(rs ...Request) []Request {
	out := rs[:0]
	for _, r := range rs {
		if r.Key.Name != "" {
			out = append(out, r)
		}
	}
	return out
}

// object returns obj, the object in it when it is a client-go tombstone,
// and nil when it is nil or a nil pointer.
func object(obj any) any {
	switch t := obj.(type) {
	case cache.DeletedFinalStateUnknown:
		obj = t.Obj
	case *cache.DeletedFinalStateUnknown:
		if t == nil {
			return nil
		}
		obj = t.Obj
	}
	if v := reflect.ValueOf(obj); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return obj
}
