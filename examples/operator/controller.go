package main

import (
	"context"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/client/informers/externalversions"
	"github.com/dpsdk/dataprotection/drivers"
)

// quietRetries is how many times in a row a Request may fail before its
// error is logged: a transient failure (a stale cache) passes in one or two.
const quietRetries = 3

// controller is a plain client-go controller around the engine: informers
// hand every change to the engine's Router, which says which objects it
// concerns; their Requests go on a rate-limited work queue, and workers
// hand each to the engine, which takes one idempotent step and says when to
// come back. The engine reads and writes through its store; the informers
// are only the trigger.
//
// This is what Engine.Run does on its own (from the store's watches). A
// host calls Reconcile itself, as here, to share its informers, queue,
// metrics or leader election with its other controllers.
type controller struct {
	engine  dataprotection.Engine
	router  dataprotection.Router
	queue   workqueue.TypedRateLimitingInterface[dataprotection.Request]
	workers int
	log     logr.Logger
}

// newController registers the event handlers on the informers of factory,
// which must be started (and synced) before run.
func newController(engine dataprotection.Engine, factory externalversions.SharedInformerFactory, o Options) (*controller, error) {
	inf := factory.Dataprotection().V1alpha1()
	c := &controller{
		engine: engine,
		router: engine.Router(),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[dataprotection.Request](),
			workqueue.TypedRateLimitingQueueConfig[dataprotection.Request]{Name: "dataprotection"}),
		workers: o.Workers,
		log:     o.Logger.WithName("controller"),
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { c.route(nil, obj) },
		UpdateFunc: func(old, obj any) { c.route(old, obj) },
		DeleteFunc: func(obj any) { c.route(obj, nil) },
	}
	for _, i := range []cache.SharedIndexInformer{inf.Backups().Informer(), inf.BackupPolicies().Informer(),
		inf.RestoreJobs().Informer(), inf.BackupTools().Informer()} {
		if _, err := i.AddEventHandler(handler); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// route queues the Requests of a change (old nil: an addition; obj nil: a
// deletion).
func (c *controller) route(old, obj any) {
	reqs, err := c.router.Route(context.Background(), old, obj)
	if err != nil {
		c.log.Error(err, "routing a change failed")
	}
	for _, r := range reqs {
		c.queue.Add(r)
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

// next reconciles one Request; false when the queue has shut down.
func (c *controller) next(ctx context.Context) bool {
	req, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(req)
	if ctx.Err() != nil {
		return false
	}
	res, err := c.engine.Reconcile(ctx, req)
	switch {
	case err != nil && ctx.Err() == nil:
		// Conflicts are routine (another write came first), and so is a read
		// of the cache that has not seen another client's write yet: retry
		// quietly; an error that persists is logged.
		if drivers.ErrorCode(err) != drivers.Conflict && c.queue.NumRequeues(req) >= quietRetries {
			c.log.Error(err, "reconcile failed, retrying", "request", req.String())
		}
		c.queue.AddRateLimited(req)
	case res.RequeueAfter > 0:
		c.queue.Forget(req)
		c.queue.AddAfter(req, res.RequeueAfter)
	default:
		c.queue.Forget(req)
	}
	return true
}
