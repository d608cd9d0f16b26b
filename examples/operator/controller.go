package main

import (
	"context"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/client/informers/externalversions"
	listers "github.com/dpsdk/dataprotection/client/listers/types/v1alpha1"
	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// kind says which Reconcile method an item goes to.
type kind int

const (
	kindBackup kind = iota
	kindPolicy
	kindRestore
)

// item is one object to reconcile.
type item struct {
	kind kind
	key  types.NamespacedName
}

// controller is a plain client-go controller around the engine: informers
// put the keys of changed objects on a rate-limited work queue, and workers
// hand each key to the engine, which takes one idempotent step and says when
// to come back. The engine reads and writes through its store; the
// informers are only the trigger.
//
// This is what Engine.Run does on its own (from the store's watches). A
// host calls the Reconcile methods itself, as here, to share its informers,
// queue, metrics or leader election with its other controllers.
type controller struct {
	engine   dataprotection.Engine
	queue    workqueue.TypedRateLimitingInterface[item]
	policies listers.BackupPolicyLister
	workers  int
	log      logr.Logger
}

// newController registers the event handlers on the informers of factory,
// which must be started (and synced) before run.
func newController(engine dataprotection.Engine, factory externalversions.SharedInformerFactory, o Options) (*controller, error) {
	inf := factory.Dataprotection().V1alpha1()
	c := &controller{
		engine: engine,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[item](),
			workqueue.TypedRateLimitingQueueConfig[item]{Name: "dataprotection"}),
		policies: inf.BackupPolicies().Lister(),
		workers:  o.Workers,
		log:      o.Logger.WithName("controller"),
	}
	// A Backup's change concerns its policy too: the schedule's times,
	// the history limit and lastSuccessfulTime depend on its Backups.
	if _, err := inf.Backups().TypedInformer().AddTypedEventHandler(on(func(key cache.ObjectName, b *v1alpha1.Backup) {
		c.add(kindBackup, key.Namespace, key.Name)
		if b != nil {
			c.add(kindPolicy, b.Namespace, b.Spec.BackupPolicyName)
		}
	})); err != nil {
		return nil, err
	}
	if _, err := inf.BackupPolicies().TypedInformer().AddTypedEventHandler(on(func(key cache.ObjectName, _ *v1alpha1.BackupPolicy) {
		c.add(kindPolicy, key.Namespace, key.Name)
	})); err != nil {
		return nil, err
	}
	if _, err := inf.RestoreJobs().TypedInformer().AddTypedEventHandler(on(func(key cache.ObjectName, _ *v1alpha1.RestoreJob) {
		c.add(kindRestore, key.Namespace, key.Name)
	})); err != nil {
		return nil, err
	}
	// A policy is valid or not depending on its BackupTool: revalidate
	// every policy when a tool changes.
	if _, err := inf.BackupTools().TypedInformer().AddTypedEventHandler(on(func(cache.ObjectName, *v1alpha1.BackupTool) {
		c.addAllPolicies()
	})); err != nil {
		return nil, err
	}
	return c, nil
}

// on calls f with the key of every added, updated or deleted object, and
// the object (nil for a deletion the informer saw too late to know it).
func on[T cache.Object](f func(key cache.ObjectName, obj T)) cache.TypedResourceEventHandlerFuncs[T] {
	return cache.TypedResourceEventHandlerFuncs[T]{
		AddFunc:    func(obj T) { f(cache.ObjectName{Namespace: obj.GetNamespace(), Name: obj.GetName()}, obj) },
		UpdateFunc: func(_, obj T) { f(cache.ObjectName{Namespace: obj.GetNamespace(), Name: obj.GetName()}, obj) },
		DeleteFunc: func(d cache.DeletedObject[T]) { f(d.GetObjectName(), d.OptionalObj) },
	}
}

func (c *controller) add(k kind, namespace, name string) {
	if name != "" {
		c.queue.Add(item{kind: k, key: types.NamespacedName{Namespace: namespace, Name: name}})
	}
}

func (c *controller) addAllPolicies() {
	policies, _ := c.policies.List(labels.Everything()) // a cache list cannot fail
	for _, p := range policies {
		c.add(kindPolicy, p.Namespace, p.Name)
	}
}

// run drains the queue with the configured workers until ctx ends, and
// returns when they have stopped.
func (c *controller) run(ctx context.Context) {
	var wg sync.WaitGroup
	for range c.workers {
		wg.Go(func() {
			for c.next(ctx) {
			}
		})
	}
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
}

// next reconciles one item; false when the queue has shut down.
func (c *controller) next(ctx context.Context) bool {
	it, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(it)
	if ctx.Err() != nil {
		return false
	}
	res, err := c.reconcile(ctx, it)
	switch {
	case err != nil && ctx.Err() == nil:
		// Conflicts are routine (another write came first): retry quietly.
		if drivers.ErrorCode(err) != drivers.Conflict {
			c.log.Error(err, "reconcile failed, retrying", "key", it.key.String())
		}
		c.queue.AddRateLimited(it)
	case res.RequeueAfter > 0:
		c.queue.Forget(it)
		c.queue.AddAfter(it, res.RequeueAfter)
	default:
		c.queue.Forget(it)
	}
	return true
}

func (c *controller) reconcile(ctx context.Context, it item) (dataprotection.Result, error) {
	switch it.kind {
	case kindBackup:
		return c.engine.ReconcileBackup(ctx, it.key)
	case kindPolicy:
		return c.engine.ReconcileBackupPolicy(ctx, it.key)
	default:
		return c.engine.ReconcileRestoreJob(ctx, it.key)
	}
}
