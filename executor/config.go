package executor

import (
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/targets"
)

// Config is what an engine is built from. Store and Drivers are required;
// every other field has the default its comment gives, applied in one place
// (withDefaults).
type Config struct {
	// Store holds the API objects: store/bolt (embedded), store/kube
	// (a cluster) or store/memory (tests).
	Store store.Store
	// Drivers run the tasks, by name: "job", "daemon", "snapshot" and any
	// name a BackupTool selects with its driver annotation. Every name must
	// be valid and every driver non-nil (drivers.Registry.Check).
	Drivers drivers.Registry
	// Targets resolves labelsSelectors to database instances. Default: no
	// targets (every backup fails with "no target matches").
	Targets targets.Resolver
	// Secrets lets policy validation check that secrets and their keys
	// exist. Default: not checked.
	Secrets SecretInspector
	// Repositories are the backup repositories a BackupPolicy may choose
	// by name with the annotation dataprotection.kubeblocks.io/repository
	// (names are DNS-1123 labels; see Repository). Default: none, and a
	// policy that chooses one is Failed.
	Repositories map[string]Repository
	// DefaultRepository names the repository, one of Repositories, of the
	// BackupPolicies without the annotation
	// dataprotection.kubeblocks.io/repository: their datafile and logfile
	// backups are stored there instead of in a claim, so a policy whose
	// claim has no name (what the KubeBlocks v0.5 cluster controller
	// writes) runs without BackupPVC. The annotation wins: it names
	// another repository, or, with an empty value, keeps the policy's
	// backups in its claim. A Backup records the repository it started
	// with, so that its restores and deletion, and the per-repository
	// limit, use the same one whatever the default becomes. New refuses a
	// name not in Repositories. Default: none (a policy without the
	// annotation uses its claim).
	DefaultRepository string
	// Clock is the engine's time. Default: the real clock.
	Clock clock.WithTicker
	// Logger receives structured logs with each object's key. Default:
	// discard.
	Logger logr.Logger
	// Events receives an event for every phase change and failure: a
	// client-go record.EventRecorder, or a tools/events recorder (a
	// controller-runtime manager's) through NewEventsRecorder. Default:
	// events are logged on Logger, Warning events at V(0) and Normal ones
	// at V(1).
	Events EventRecorder
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
	// BackupLimits bound the backups that run at once (see Limits).
	// Default: no limit.
	BackupLimits Limits
	// RestoreLimits bound the restores that run at once, apart from the
	// backups. Default: no limit.
	RestoreLimits Limits
	// BackupPVC is the default backup claim of the datafile and logfile
	// policies that name none (persistentVolumeClaim.name ""), upstream's
	// BACKUP_PVC_* settings; a policy whose backups go to a repository
	// (DefaultRepository) needs none. Default: none; such a policy stays Available,
	// says in its failureReason why its datafile and logfile backups cannot
	// run, and they fail with the reason BackupPVCNameIsEmpty.
	BackupPVC policy.BackupClaimDefaults
	// Options tune timing; zero fields take their defaults.
	Options Options
}

// Options tune the engine's timing. Zero fields take the defaults given.
type Options struct {
	// PollInterval is how soon a step comes back while a task runs.
	// Default 2s.
	PollInterval time.Duration
	// NotifiedPollInterval replaces PollInterval while Run runs for the
	// tasks of drivers that notify (drivers.Notifier): a fallback, in case
	// a notification is lost. Default 1m.
	NotifiedPollInterval time.Duration
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
	// LimitRecheckInterval is how soon a Backup or RestoreJob waiting for
	// a concurrency limit (Config.BackupLimits, RestoreLimits) is checked
	// again; Run and the engine's Router also wake it when one that ran
	// stops. Default 30s.
	LimitRecheckInterval time.Duration
	// RestoreJobTTL is how long a finished RestoreJob is kept before it is
	// deleted (its status.expiration). Default 168h (7 days).
	RestoreJobTTL time.Duration
	// TargetReadyTimeout bounds how long a RestoreJob's logical restore,
	// which needs the database running again after the physical restore,
	// waits for its target to be ready (drivers.Target.NotReady); past it
	// the RestoreJob fails. Default 30m.
	TargetReadyTimeout time.Duration
	// PolicyWaitTimeout bounds how long a New Backup whose BackupPolicy
	// does not exist waits for it (a Backup applied with its policy, in
	// any order); past it the Backup fails with the reason PolicyNotFound,
	// as upstream failed it at once. The wait's start is recorded on the
	// Backup (v1alpha1.AnnotationPolicyWaitSince), so a restart does not
	// extend it; the Backup is checked again every PollInterval meanwhile.
	// Default 5m.
	PolicyWaitTimeout time.Duration
}

// check returns an InvalidArgument error when a required field is missing
// or Drivers has an entry that cannot be used (drivers.Registry.Check).
func (c Config) check() error {
	switch {
	case c.Store == nil:
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.Store is required")
	case len(c.Drivers) == 0:
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.Drivers has no driver")
	}
	if err := c.Drivers.Check(); err != nil {
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.Drivers: %w", err)
	}
	for name, l := range map[string]Limits{"BackupLimits": c.BackupLimits, "RestoreLimits": c.RestoreLimits} {
		if min(l.Total, l.PerNode, l.PerPolicy, l.PerRepository) < 0 {
			return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.%s: a limit is negative", name)
		}
	}
	if err := c.BackupPVC.Validate(); err != nil {
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.BackupPVC: %w", err)
	}
	if err := checkRepositories(c.Repositories); err != nil {
		return err
	}
	if _, ok := c.Repositories[c.DefaultRepository]; c.DefaultRepository != "" && !ok {
		return drivers.Errorf(drivers.InvalidArgument, "dataprotection: new engine: Config.DefaultRepository: %q is not in Config.Repositories (registered: %s)",
			c.DefaultRepository, registeredNames(c.Repositories))
	}
	return nil
}

// withDefaults returns c with every zero optional field set to its default.
func (c Config) withDefaults() Config {
	if c.Targets == nil {
		c.Targets = targets.Static(nil)
	}
	if c.Clock == nil {
		c.Clock = clock.RealClock{}
	}
	if c.Logger.GetSink() == nil {
		c.Logger = logr.Discard()
	}
	if c.Events == nil {
		c.Events = &logRecorder{log: c.Logger}
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.ResyncPeriod <= 0 {
		c.ResyncPeriod = 5 * time.Minute
	}
	c.Options = c.Options.withDefaults()
	return c
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollInterval, 2*time.Second)
	def(&o.NotifiedPollInterval, time.Minute)
	def(&o.BackupTimeout, 24*time.Hour)
	def(&o.RestoreTimeout, 24*time.Hour)
	def(&o.DeleteTimeout, time.Hour)
	def(&o.CallTimeout, 30*time.Second)
	def(&o.RetryDelay, 10*time.Second)
	def(&o.RestoreJobTTL, 7*24*time.Hour)
	def(&o.LimitRecheckInterval, 30*time.Second)
	def(&o.TargetReadyTimeout, 30*time.Minute)
	def(&o.PolicyWaitTimeout, 5*time.Minute)
	return o
}
