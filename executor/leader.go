package executor

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// LeaderElection makes Run act only while it holds a lease (client-go
// leaderelection), so replicas of a host can share one cluster.
type LeaderElection struct {
	// Lock is the lease, such as a resourcelock.LeaseLock in the host's
	// namespace with this replica's identity. Required.
	Lock resourcelock.Interface
	// LeaseDuration is how long a lease is valid. Default 15s.
	LeaseDuration time.Duration
	// RenewDeadline is how long the leader retries renewing. Default 10s.
	RenewDeadline time.Duration
	// RetryPeriod is how often candidates try to acquire. Default 2s.
	RetryPeriod time.Duration
}

// errLostLease is returned by Run when leadership is lost.
var errLostLease = errors.New("leader election lost")

// runLeading runs loop while holding the lease; it returns when ctx ends
// (nil) or when the lease is lost (an error, so the host can exit and
// restart cleanly).
func runLeading(ctx context.Context, le *LeaderElection, loop func(context.Context) error) error {
	if le.Lock == nil {
		return errors.New("LeaderElection.Lock is required")
	}
	cfg := leaderelection.LeaderElectionConfig{
		Lock:            le.Lock,
		LeaseDuration:   orDefault(le.LeaseDuration, 15*time.Second),
		RenewDeadline:   orDefault(le.RenewDeadline, 10*time.Second),
		RetryPeriod:     orDefault(le.RetryPeriod, 2*time.Second),
		ReleaseOnCancel: true,
	}
	// The elector gets its own context so that, when ctx ends, the loop
	// stops first and only then is the lease released (ReleaseOnCancel):
	// no other replica starts while this one still reconciles.
	elCtx, elCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer elCancel()
	var started, lost atomic.Bool
	loopDone := make(chan error, 1)
	cfg.Callbacks = leaderelection.LeaderCallbacks{
		OnStartedLeading: func(lctx context.Context) {
			started.Store(true)
			runCtx, stop := context.WithCancel(lctx)
			defer stop()
			context.AfterFunc(ctx, stop)
			loopDone <- loop(runCtx)
			elCancel()
		},
		OnStoppedLeading: func() { lost.Store(ctx.Err() == nil) },
	}
	elector, err := leaderelection.NewLeaderElector(cfg)
	if err != nil {
		return err
	}
	context.AfterFunc(ctx, func() {
		if !started.Load() {
			elCancel() // still a candidate: stop trying
		}
	})
	elector.Run(elCtx)
	var loopErr error
	if started.Load() {
		loopErr = <-loopDone
	}
	if lost.Load() {
		return errLostLease
	}
	return loopErr
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
