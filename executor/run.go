package executor

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/workqueue"
)

// kind names what a queue item is.
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
	q := workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[item](),
		workqueue.TypedRateLimitingQueueConfig[item]{Name: "dataprotection", Clock: e.clock})
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
func (e *Executor) work(ctx context.Context, q workqueue.TypedRateLimitingInterface[item]) {
	for {
		it, shutdown := q.Get()
		if shutdown {
			return
		}
		e.metrics.queueDepth.Set(float64(q.Len()))
		res, err := e.reconcile(ctx, it)
		switch {
		case err != nil && ctx.Err() == nil:
			if drivers.ErrorCode(err) != drivers.Conflict {
				e.log.Error(err, "reconcile failed, retrying", "key", it.key.String())
			}
			q.AddRateLimited(it)
		case res.RequeueAfter > 0:
			q.Forget(it)
			q.AddAfter(it, res.RequeueAfter)
		default:
			q.Forget(it)
		}
		q.Done(it)
	}
}

func (e *Executor) reconcile(ctx context.Context, it item) (Result, error) {
	switch it.kind {
	case kindBackup:
		return e.ReconcileBackup(ctx, it.key)
	case kindPolicy:
		return e.ReconcileBackupPolicy(ctx, it.key)
	default:
		return e.ReconcileRestoreJob(ctx, it.key)
	}
}
