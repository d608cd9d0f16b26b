package dataprotection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/targets"
)

// Engine runs the backup API over a store and a set of drivers.
type Engine interface {
	// ReconcileBackup moves one Backup one idempotent step forward and
	// says when to come back. A missing object is not an error.
	ReconcileBackup(ctx context.Context, key types.NamespacedName) (Result, error)
	// ReconcileBackupPolicy validates one BackupPolicy, runs its schedules
	// and its retention, and says when to come back.
	ReconcileBackupPolicy(ctx context.Context, key types.NamespacedName) (Result, error)
	// ReconcileRestoreJob moves one RestoreJob one step forward.
	ReconcileRestoreJob(ctx context.Context, key types.NamespacedName) (Result, error)
	// Run watches the store and reconciles every object with Workers
	// workers until ctx ends (or, with leader election, until leadership
	// is lost). It returns nil when ctx ends.
	Run(ctx context.Context) error
}

// Result says when a reconcile step wants to run again.
type Result struct {
	// RequeueAfter is the wait before the next step; zero means only when
	// the object or something it depends on changes.
	RequeueAfter time.Duration
}

// SecretInspector reports the keys (never the values) of a secret, so that
// policies can be checked when they are validated.
type SecretInspector = executor.SecretInspector

// Options tune the engine's timing (poll interval, timeouts, retry delay,
// RestoreJob TTL); see executor.Options for each default.
type Options = executor.Options

// Config is what New builds an Engine from. Store and Drivers are required;
// every other field has a documented default.
type Config struct {
	// Store holds the API objects: store/bolt (embedded), store/kube
	// (a cluster) or store/memory (tests).
	Store store.Store
	// Drivers run the tasks, by name: "job", "daemon", "snapshot" and any
	// name a BackupTool selects with its driver annotation.
	Drivers drivers.Registry
	// Targets resolves labelsSelectors to database instances. Default: no
	// targets (every backup fails with "no target matches").
	Targets targets.Resolver
	// Secrets lets policy validation check that secrets and their keys
	// exist. Default: not checked.
	Secrets SecretInspector
	// Clock is the engine's time. Default: the real clock.
	Clock clock.WithTicker
	// Logger receives structured logs with each object's key. Default:
	// discard.
	Logger logr.Logger
	// Events receives an event for every phase change and failure.
	// Default: events are logged at V(1) on Logger.
	Events record.EventRecorder
	// Metrics registers the engine's Prometheus metrics. Default: none
	// registered (no global registry is touched).
	Metrics prometheus.Registerer
	// Workers is the number of objects reconciled at once by Run. Default 2.
	Workers int
	// ResyncPeriod is how often Run lists every object again, in case a
	// watch event was missed. Default 5m.
	ResyncPeriod time.Duration
	// LeaderElection, when set, makes Run act only while it holds the
	// lease, so several replicas can run against one cluster.
	LeaderElection *LeaderElection
	// Options tune timing; zero fields take their defaults.
	Options Options
}

// New checks cfg, fills its defaults, and returns an Engine.
func New(cfg Config) (Engine, error) {
	if cfg.Store == nil {
		return nil, &Error{Code: drivers.InvalidArgument, Op: "new engine", Err: errors.New("Config.Store is required")}
	}
	if len(cfg.Drivers) == 0 {
		return nil, &Error{Code: drivers.InvalidArgument, Op: "new engine", Err: errors.New("Config.Drivers has no driver")}
	}
	if cfg.Targets == nil {
		cfg.Targets = targets.Static(nil)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Logger.GetSink() == nil {
		cfg.Logger = logr.Discard()
	}
	if cfg.Events == nil {
		cfg.Events = &logRecorder{log: cfg.Logger}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.ResyncPeriod <= 0 {
		cfg.ResyncPeriod = 5 * time.Minute
	}
	metrics := executor.NewMetrics(cfg.Metrics)
	ex := executor.New(executor.Deps{Store: cfg.Store, Drivers: cfg.Drivers, Targets: cfg.Targets, Secrets: cfg.Secrets,
		Clock: cfg.Clock, Events: cfg.Events, Log: cfg.Logger, Metrics: metrics, Options: cfg.Options})
	return &engine{cfg: cfg, ex: ex, metrics: metrics}, nil
}

type engine struct {
	cfg     Config
	ex      *executor.Executor
	metrics *executor.Metrics
}

func (e *engine) ReconcileBackup(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.ex.ReconcileBackup(ctx, key.Namespace, key.Name)
	return Result(r), wrap("backup", key, err)
}

func (e *engine) ReconcileBackupPolicy(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.ex.ReconcileBackupPolicy(ctx, key.Namespace, key.Name)
	return Result(r), wrap("backuppolicy", key, err)
}

func (e *engine) ReconcileRestoreJob(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.ex.ReconcileRestoreJob(ctx, key.Namespace, key.Name)
	return Result(r), wrap("restorejob", key, err)
}

func wrap(kind string, key types.NamespacedName, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: ErrorCode(err), Op: fmt.Sprintf("%s %s", kind, key), Err: err}
}
