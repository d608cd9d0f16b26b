package main

import (
	"context"
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// errLostLease is Run's error when another replica took the lease over.
var errLostLease = errors.New("operator: leader election lost")

// newLeaseLock is the coordination/v1 Lease the replicas campaign for.
func newLeaseLock(client kubernetes.Interface, o Options) *resourcelock.LeaseLock {
	return &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: o.LeaseNamespace, Name: o.LeaseName},
		Client:     client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: o.Identity},
	}
}

// lead campaigns for the lease and calls run while holding it. It returns
// nil when ctx ends, or errLostLease when the lease was lost.
//
// The elector gets a context of its own, cancelled only once run has
// returned: with ReleaseOnCancel the lease is released as soon as that
// context ends, and no other replica may take over while this one's
// workers are still reconciling.
//
// Engine.Run does all of this itself when Config.LeaderElection is set;
// this host runs its own loop, so it elects its own leader.
func lead(ctx context.Context, lock resourcelock.Interface, o Options, run func(context.Context) error) error {
	electorCtx, stopElector := context.WithCancel(context.WithoutCancel(ctx))
	defer stopElector()
	leading := make(chan context.Context, 1)
	elector, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock:            lock,
		Name:            o.LeaseName,
		LeaseDuration:   o.LeaseDuration,
		RenewDeadline:   o.RenewDeadline,
		RetryPeriod:     o.RetryPeriod,
		ReleaseOnCancel: true,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(leaseCtx context.Context) { leading <- leaseCtx },
			OnStoppedLeading: func() {},
		},
	})
	if err != nil {
		return err
	}
	electorDone := make(chan struct{})
	go func() { defer close(electorDone); elector.Run(electorCtx) }()
	// Until this replica leads, ctx ends the campaign.
	stopCampaign := context.AfterFunc(ctx, stopElector)
	defer stopCampaign()

	var runErr error
	select {
	case <-electorDone: // ctx ended before this replica led, or the lease was lost at once
	case leaseCtx := <-leading:
		stopCampaign()
		// run ends when ctx ends or the lease is lost (leaseCtx ends).
		runCtx, cancel := context.WithCancel(leaseCtx)
		stop := context.AfterFunc(ctx, cancel)
		runErr = run(runCtx)
		stop()
		cancel()
	}
	stopElector() // releases the lease, now that run has returned
	<-electorDone
	if ctx.Err() == nil {
		return errors.Join(errLostLease, runErr)
	}
	return runErr
}
