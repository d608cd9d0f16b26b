package dataprotection

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/executor"
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
	// Reconcile calls the Reconcile method of req's kind: the worker of a
	// host's own loop hands it the Requests a Router found. An unknown
	// kind is an error with code InvalidArgument.
	Reconcile(ctx context.Context, req Request) (Result, error)
	// Router returns the Router that Run routes changes with: a host
	// with its own loop routes its informers' events with it.
	Router() Router
	// Wait waits until the Backup or RestoreJob req names is Completed or
	// Failed (a Backup also once its deletion began) and returns it, a
	// *v1alpha1.Backup or *v1alpha1.RestoreJob, following the store's
	// watch rather than polling; ctx bounds the wait. A missing or deleted
	// object is an error for which drivers.IsNotFound is true. It reconciles
	// nothing: Run, or the host's loop, moves the object.
	Wait(ctx context.Context, req Request) (runtime.Object, error)
	// Run watches the store and reconciles every object with Workers
	// workers until ctx ends (or, with leader election, until leadership
	// is lost). It returns nil when ctx ends.
	Run(ctx context.Context) error
}

// Config is what New builds an Engine from: Store and Drivers are required,
// every other field has a documented default (see executor.Config).
type Config = executor.Config

// Options tune the engine's timing (poll interval, timeouts, retry delay,
// RestoreJob TTL); see executor.Options for each default.
type Options = executor.Options

// Result says when a reconcile step wants to run again.
type Result = executor.Result

// LeaderElection makes Run act only while it holds a lease.
type LeaderElection = executor.LeaderElection

// Request is one object for the engine to reconcile, the item of a host's
// work queue: its Kind and key.
type Request = executor.Request

// Kind says which Reconcile method a Request is for.
type Kind = executor.Kind

// The kinds of Request.
const (
	// KindBackup requests ReconcileBackup.
	KindBackup = executor.KindBackup
	// KindBackupPolicy requests ReconcileBackupPolicy.
	KindBackupPolicy = executor.KindBackupPolicy
	// KindRestoreJob requests ReconcileRestoreJob.
	KindRestoreJob = executor.KindRestoreJob
)

// Router turns the change of an object into the Requests it concerns: what
// a host's event handlers put on its work queue (see executor.Router.Route).
// Run routes with the same rules.
type Router = executor.Router

// SecretInspector reports the keys (never the values) of a secret, so that
// policies can be checked when they are validated.
type SecretInspector = executor.SecretInspector

// Repository is a backup repository registered in Config.Repositories: the
// engine's handle and the description drivers get (see
// executor.Repository).
type Repository = executor.Repository

// New checks cfg, fills its defaults, and returns an Engine. A missing Store
// or Drivers, a nil driver or a name that is not a valid driver name in
// Drivers (drivers.Registry.Check) is an error with code InvalidArgument.
func New(cfg Config) (Engine, error) {
	e, err := executor.New(cfg)
	if err != nil {
		return nil, err
	}
	return e, nil
}

var _ Engine = (*executor.Executor)(nil)
