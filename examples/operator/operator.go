package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	"github.com/dpsdk/dataprotection/client/informers/externalversions"
	"github.com/dpsdk/dataprotection/store/kube"
)

// Options configure Run. Every field but LeaseNamespace has a default.
type Options struct {
	// LeaseNamespace is the namespace of the leader-election Lease: the
	// operator's own namespace. Required.
	LeaseNamespace string
	// LeaseName names the Lease. Default "dataprotection".
	LeaseName string
	// Identity is this replica's name in the Lease. Default: the host name
	// (a pod's name in a cluster).
	Identity string
	// LeaseDuration, RenewDeadline and RetryPeriod time the leader
	// election. Defaults 15s, 10s and 2s.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// Workers is the number of objects reconciled at once. Default 2.
	Workers int
	// ResyncPeriod is how often the informers hand every object to the
	// queue again. Default 5m.
	ResyncPeriod time.Duration
	// Hooks lets the Job and CSI drivers run hooks and backupStatusUpdates
	// by pod exec in the targets' containers. It needs the ClusterRole
	// dataprotection-hooks (pods/exec, and configmaps for the runs'
	// records) besides dataprotection. Off, a policy that has them is
	// Failed with a reason that says so.
	Hooks bool
	// Engine tunes the engine's timing (poll interval, timeouts).
	Engine dataprotection.Options
	// Logger receives the operator's and the engine's logs. Default:
	// discarded.
	Logger logr.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.LeaseNamespace == "" {
		return o, errors.New("Options.LeaseNamespace is required")
	}
	if o.LeaseName == "" {
		o.LeaseName = "dataprotection"
	}
	if o.Identity == "" {
		host, err := os.Hostname()
		if err != nil {
			return o, fmt.Errorf("identity: %w", err)
		}
		o.Identity = host
	}
	o.LeaseDuration = orDefault(o.LeaseDuration, 15*time.Second)
	o.RenewDeadline = orDefault(o.RenewDeadline, 10*time.Second)
	o.RetryPeriod = orDefault(o.RetryPeriod, 2*time.Second)
	o.ResyncPeriod = orDefault(o.ResyncPeriod, 5*time.Minute)
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	return o, nil
}

// Run runs the operator with the identity of cfg until ctx ends (it then
// returns nil) or until this replica loses the lease (it then returns an
// error, and the process should exit so that it restarts cleanly).
//
// It builds the engine (kube store, drivers, targets, secrets, events), then
// campaigns for the lease, and while it leads runs its own controller loop:
// informers of the four kinds feed a work queue (through the engine's
// Router) whose workers call engine.Reconcile.
func Run(ctx context.Context, cfg *rest.Config, opts Options) error {
	o, err := opts.withDefaults()
	if err != nil {
		return err
	}
	kubeClient, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dpClient, err := versioned.NewForConfig(cfg)
	if err != nil {
		return err
	}
	// Pods feed the TargetResolver; the engine's own objects feed the queue.
	kubeInformers := informers.NewSharedInformerFactory(kubeClient, 0)
	dpInformers := externalversions.NewSharedInformerFactory(dpClient, o.ResyncPeriod)
	st, err := newStore(dpClient, dpInformers)
	if err != nil {
		return err
	}
	defer st.Close()
	events := newEventRecorder(ctx, kubeClient)
	defer events.Shutdown()

	engine, err := newEngine(cfg, kubeClient, st, kubeInformers, events.recorder, o)
	if err != nil {
		return err
	}
	c, err := newController(engine, dpInformers, o)
	if err != nil {
		return err
	}
	defer c.queue.ShutDown() // when this replica never led
	lock := newLeaseLock(kubeClient, o)
	return lead(ctx, lock, o, func(ctx context.Context) error {
		// Informers start only on the leader: followers hold no caches.
		kubeInformers.StartWithContext(ctx)
		dpInformers.StartWithContext(ctx)
		defer kubeInformers.Shutdown()
		defer dpInformers.Shutdown()
		if err := kubeInformers.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
			return nilIfDone(ctx, err)
		}
		if err := dpInformers.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
			return nilIfDone(ctx, err)
		}
		o.Logger.Info("leading: reconciling", "identity", o.Identity, "workers", o.Workers)
		c.run(ctx)
		return nil
	})
}

// nilIfDone is nil when ctx ended (the caller stops on purpose), else err.
func nilIfDone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// newStore is the kube store over the factory's informers, the ones that
// feed the queue: it holds no objects of its own, and the engine reads the
// cache that woke it up.
func newStore(cs versioned.Interface, f externalversions.SharedInformerFactory) (*kube.Store, error) {
	inf := f.Dataprotection().V1alpha1()
	return kube.NewForClientset(cs, kube.Options{Informers: &kube.Informers{Backups: inf.Backups().Informer(),
		BackupPolicies: inf.BackupPolicies().Informer(), BackupTools: inf.BackupTools().Informer(),
		RestoreJobs: inf.RestoreJobs().Informer()}})
}
