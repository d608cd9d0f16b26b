package executor

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/targets"
)

// SecretInspector reports the keys of a secret without its values, so that a
// policy's secret can be checked when it is validated.
type SecretInspector interface {
	// SecretKeys returns the keys of the secret; an error for which
	// store.IsNotFound is true when it does not exist.
	SecretKeys(ctx context.Context, namespace, name string) ([]string, error)
}

// Deps are what the executor works with. Store, Drivers and Targets are
// required; the rest have defaults.
type Deps struct {
	// Store holds the API objects.
	Store store.Store
	// Drivers run the tasks.
	Drivers drivers.Registry
	// Targets resolves labelsSelectors to database instances.
	Targets targets.Resolver
	// Secrets, when set, lets policy validation check secrets and keys.
	Secrets SecretInspector
	// Clock defaults to the real clock.
	Clock clock.PassiveClock
	// Events defaults to a recorder that drops events.
	Events record.EventRecorder
	// Log defaults to logr.Discard().
	Log logr.Logger
	// Metrics defaults to metrics registered nowhere.
	Metrics *Metrics
	// Options tune timing; zero fields take the documented defaults.
	Options Options
}

// Options tune the executor's timing.
type Options struct {
	// PollInterval is how soon a step comes back while a task runs.
	// Default 2s.
	PollInterval time.Duration
	// BackupTimeout bounds a backup run, from its start; its tasks fail
	// with DeadlineExceeded past it. Default 24h. Daemon tools (continuous
	// log archiving) have no deadline.
	BackupTimeout time.Duration
	// RestoreTimeout bounds a restore, from its start. Default 24h.
	RestoreTimeout time.Duration
	// DeleteTimeout bounds the deletion of a backup's data. Default 1h.
	DeleteTimeout time.Duration
	// CallTimeout bounds each driver call. Default 30s.
	CallTimeout time.Duration
	// RetryDelay is the wait before a failed run is retried
	// (onFailAttempted). Default 10s.
	RetryDelay time.Duration
	// RestoreJobTTL is how long a finished RestoreJob is kept before it is
	// deleted (its status.expiration). Default 168h (7 days).
	RestoreJobTTL time.Duration
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollInterval, 2*time.Second)
	def(&o.BackupTimeout, 24*time.Hour)
	def(&o.RestoreTimeout, 24*time.Hour)
	def(&o.DeleteTimeout, time.Hour)
	def(&o.CallTimeout, 30*time.Second)
	def(&o.RetryDelay, 10*time.Second)
	def(&o.RestoreJobTTL, 7*24*time.Hour)
	return o
}

// Result says when a step wants to run again.
type Result struct {
	// RequeueAfter is the wait before the next step; zero means only when
	// the object (or something it depends on) changes.
	RequeueAfter time.Duration
}

// Executor runs the state machines. It is safe for concurrent use by
// several workers, as long as one object is not reconciled by two at once
// (a work queue guarantees that; if it happens anyway, resourceVersion
// conflicts make one of them retry).
type Executor struct {
	store   store.Store
	drivers drivers.Registry
	targets targets.Resolver
	secrets SecretInspector
	clock   clock.PassiveClock
	events  record.EventRecorder
	log     logr.Logger
	metrics *Metrics
	opts    Options
}

// New returns an executor over deps, with defaults for what deps leaves out.
func New(deps Deps) *Executor {
	e := &Executor{store: deps.Store, drivers: deps.Drivers, targets: deps.Targets, secrets: deps.Secrets,
		clock: deps.Clock, events: deps.Events, log: deps.Log, metrics: deps.Metrics, opts: deps.Options.withDefaults()}
	if e.clock == nil {
		e.clock = clock.RealClock{}
	}
	if e.events == nil {
		e.events = &record.FakeRecorder{} // nil Events channel: drops events
	}
	if e.log.GetSink() == nil {
		e.log = logr.Discard()
	}
	if e.metrics == nil {
		e.metrics = NewMetrics(nil)
	}
	return e
}

func (e *Executor) now() time.Time { return e.clock.Now().UTC() }

func (e *Executor) poll() Result { return Result{RequeueAfter: e.opts.PollInterval} }
