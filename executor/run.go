package executor

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/workqueue"
)

// Run implements Engine.
func (e *Executor) Run(ctx context.Context) error {
	if le := e.leader; le != nil {
		return runLeading(ctx, le, e.loop)
	}
	return e.loop(ctx)
}

// loop feeds a rate-limited work queue from the store's watches and a
// periodic resync, and drains it with the configured workers.
func (e *Executor) loop(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	q := workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[Request](),
		workqueue.TypedRateLimitingQueueConfig[Request]{Name: "dataprotection", Clock: e.clock})
	e.subscribe(ctx, q)
	var wg sync.WaitGroup
	feeders := e.feeders(q)
	for _, f := range feeders {
		wg.Go(func() { wait.UntilWithContext(ctx, f, time.Second) })
	}
	wg.Go(func() { wait.UntilWithContext(ctx, func(ctx context.Context) { e.resync(ctx, q) }, e.resyncPeriod) })
	for range e.workers {
		wg.Go(func() { e.work(ctx, q) })
	}
	<-ctx.Done()
	q.ShutDown()
	wg.Wait()
	return nil
}

// work reconciles items until the queue shuts down.
func (e *Executor) work(ctx context.Context, q queue) {
	for {
		req, shutdown := q.Get()
		if shutdown {
			return
		}
		e.metrics.queueDepth.Set(float64(q.Len()))
		res, err := e.Reconcile(ctx, req)
		switch {
		case err != nil && ctx.Err() == nil:
			e.logRetry(q, req, err)
			q.AddRateLimited(req)
		case res.RequeueAfter > 0:
			q.Forget(req)
			q.AddAfter(req, res.RequeueAfter)
		default:
			q.Forget(req)
		}
		q.Done(req)
	}
}

// quietRetries is how many times in a row a Request may fail before its
// error is logged as one: a transient failure, such as a cached read that
// has not seen another client's write yet, passes in one or two.
const quietRetries = 3

// logRetry logs a failed reconcile that will be retried: at V(1) while it
// may be transient or is a Conflict (another write came first), as an
// error once it persists.
func (e *Executor) logRetry(q queue, req Request, err error) {
	if drivers.ErrorCode(err) == drivers.Conflict || q.NumRequeues(req) < quietRetries {
		e.log.V(1).Info("reconcile failed, retrying", "key", req.Key.String(), "error", err.Error())
		return
	}
	e.log.Error(err, "reconcile failed, retrying", "key", req.Key.String())
}
