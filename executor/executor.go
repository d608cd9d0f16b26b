package executor

import (
	"context"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/targets"
	"github.com/go-logr/logr"
)

// SecretInspector reports the keys of a secret without its values, so that a
// policy's secret can be checked when it is validated.
type SecretInspector interface {
	// SecretKeys returns the keys of the secret; an error for which
	// drivers.IsNotFound is true when it does not exist.
	SecretKeys(ctx context.Context, namespace, name string) ([]string, error)
}

// Result says when a step wants to run again.
type Result struct {
	// RequeueAfter is the wait before the next step; zero means only when
	// the object (or something it depends on) changes.
	RequeueAfter time.Duration
}

// Executor is the engine: the state machines of Backup, BackupPolicy and
// RestoreJob, and the loop (Run) that drives them. It is safe for concurrent
// use by several workers, as long as one object is not reconciled by two at
// once (a work queue guarantees that; if it happens anyway,
// resourceVersion conflicts make one of them retry).
type Executor struct {
	store   store.Store
	drivers drivers.Registry
	targets targets.Resolver
	secrets SecretInspector
	repos   map[string]Repository
	clock   clock.WithTicker
	events  record.EventRecorder
	log     logr.Logger
	metrics *metrics
	// progress remembers the last Progress event of each object.
	progress progressMarks
	opts     Options
	claims   policy.BackupClaimDefaults
	// defaultRepo is Config.DefaultRepository (see policyRepository).
	defaultRepo string

	workers      int
	resyncPeriod time.Duration
	leader       *LeaderElection

	verdicts   verdicts        // the policies' validations, reused until an input changes
	driverCaps capabilityCache // what the drivers can run; which ones do not answer
	notices    notices         // the owners of running tasks, for drivers that notify
	crons      crons           // the policies' parsed schedules
	limits     struct {
		backups, restores Limits
		limiter
	}
}

// New checks cfg, fills in its defaults (Config documents each) and returns
// an Executor. Errors have the code InvalidArgument.
func New(cfg Config) (*Executor, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	e := &Executor{store: cfg.Store, drivers: cfg.Drivers, targets: cfg.Targets, secrets: cfg.Secrets, repos: maps.Clone(cfg.Repositories),
		clock: cfg.Clock, events: truncatingRecorder{cfg.Events}, log: cfg.Logger, metrics: newMetrics(cfg.Metrics), opts: cfg.Options,
		workers: cfg.Workers, resyncPeriod: cfg.ResyncPeriod, leader: cfg.LeaderElection, claims: cfg.BackupPVC, defaultRepo: cfg.DefaultRepository}
	e.limits.backups, e.limits.restores = cfg.BackupLimits, cfg.RestoreLimits
	return e, nil
}

// ReconcileBackup moves one Backup one idempotent step forward and says when
// to come back. A missing Backup is not an error.
func (e *Executor) ReconcileBackup(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.reconcileBackup(ctx, key.Namespace, key.Name)
	return r, wrap("backup", key, err)
}

// ReconcileBackupPolicy validates one BackupPolicy, runs its schedules and
// its retention, and says when to come back.
func (e *Executor) ReconcileBackupPolicy(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.reconcileBackupPolicy(ctx, key.Namespace, key.Name)
	return r, wrap("backuppolicy", key, err)
}

// ReconcileRestoreJob moves one RestoreJob one step forward.
func (e *Executor) ReconcileRestoreJob(ctx context.Context, key types.NamespacedName) (Result, error) {
	r, err := e.reconcileRestoreJob(ctx, key.Namespace, key.Name)
	return r, wrap("restorejob", key, err)
}

// Reconcile hands req to the Reconcile method of its kind: the worker of a
// host's own loop calls it with the Requests a Router routed.
func (e *Executor) Reconcile(ctx context.Context, req Request) (Result, error) {
	ctx, st := withReconcileState(ctx, req)
	var res Result
	var err error
	switch req.Kind {
	case KindBackup:
		res, err = e.ReconcileBackup(ctx, req.Key)
	case KindBackupPolicy:
		res, err = e.ReconcileBackupPolicy(ctx, req.Key)
	case KindRestoreJob:
		res, err = e.ReconcileRestoreJob(ctx, req.Key)
	default:
		err = drivers.Errorf(drivers.InvalidArgument, "dataprotection: reconcile %s: unknown kind", req)
	}
	return e.fallback(res, st), err
}

// wrap wraps err once with the operation and the object, keeping its code:
// "dataprotection: backup demo/b1: ...".
func wrap(kind string, key types.NamespacedName, err error) error {
	if err == nil {
		return nil
	}
	return &drivers.Error{Code: drivers.ErrorCode(err), Msg: "dataprotection: " + kind + " " + key.String(), Err: err}
}

func (e *Executor) now() time.Time { return e.clock.Now().UTC() }

func (e *Executor) poll() Result { return Result{RequeueAfter: e.opts.PollInterval} }
