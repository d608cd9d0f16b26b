package csi

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	snapshotclient "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Options tune a Driver. A nil *Options is the zero value, which is ready to
// use.
type Options struct {
	// SnapshotClassName is the VolumeSnapshotClass of snapshots whose task
	// names none (Task.Snapshot.ClassName wins when set). Empty: the
	// cluster's default class for the claim's CSI driver.
	SnapshotClassName string
	// PodExec runs hook and status-update tasks in the target's container
	// (see internal/podexec: the same runner as the Job driver's). Nil
	// means pod exec through the API server with RESTConfig; when that is
	// nil too, the driver does not run those tasks (Start returns
	// Unimplemented and Capabilities does not list them).
	PodExec PodExecutor
	// RESTConfig authenticates the default PodExec.
	RESTConfig *rest.Config
	// OmitOwnerReferences leaves the owner reference to the Backup off the
	// VolumeSnapshots. Set it when the Backups do not live in the cluster
	// the snapshots are made in (an embedded store): the garbage collector
	// deletes objects whose owner does not exist.
	OmitOwnerReferences bool
	// DirectReads turns the informers off: every Status lists the task's
	// VolumeSnapshots or claims on the API server, and Notify is
	// Unimplemented (the engine polls). Otherwise the driver watches the
	// VolumeSnapshots and claims labelled v1alpha1.LabelTaskID in every
	// namespace, which needs the right to list and watch them
	// cluster-wide.
	DirectReads bool
	// Informers are the host's own informers of VolumeSnapshots or claims,
	// which the driver reads from instead of starting its own (see
	// Informers).
	Informers *Informers
	// SyncTimeout bounds how long a read waits for the informers' first
	// list before it fails with Unavailable; zero means two minutes.
	SyncTimeout time.Duration
	// Logger receives the driver's logs. Default: discarded.
	Logger logr.Logger
	// Clock tells the time for deadlines. Default: the real clock.
	Clock clock.PassiveClock
}

// Driver is the CSI VolumeSnapshot driver. It is safe for concurrent use.
type Driver struct {
	kube kubernetes.Interface
	snap snapshotclient.Interface
	opts Options
	log  logr.Logger

	// hooks runs hook and status-update tasks; nil without a PodExecutor.
	hooks *podexec.Runner

	// watch serves Status from informers; nil with Options.DirectReads.
	watch *watching

	mu    sync.Mutex
	tasks map[string]*record
}

var (
	_ drivers.Driver   = (*Driver)(nil)
	_ drivers.Notifier = (*Driver)(nil)
)

// New returns a driver that makes VolumeSnapshots with snap and claims with
// kube; the zero Options are the defaults. It refuses nil clients. Unless
// Options.DirectReads is set, the driver reads its VolumeSnapshots and
// claims from informers, started by the first Status or Notify and
// stopped by Close.
func New(kube kubernetes.Interface, snap snapshotclient.Interface, opts Options) (*Driver, error) {
	if kube == nil || snap == nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "csi: new driver: a nil client (Kubernetes or snapshot)")
	}
	d := &Driver{kube: kube, snap: snap, tasks: map[string]*record{}, opts: opts}
	if d.opts.Clock == nil {
		d.opts.Clock = clock.RealClock{}
	}
	d.log = d.opts.Logger
	if d.log.GetSink() == nil {
		d.log = logr.Discard()
	}
	d.hooks = d.hookRunner()
	if !d.opts.DirectReads {
		w, err := newWatching(d)
		if err != nil {
			return nil, fmt.Errorf("csi: new driver: %w", err)
		}
		d.watch = w
	}
	return d, nil
}

// Capabilities reports backup, restore and delete-artifacts tasks, plus hook
// and status-update tasks when it has a PodExecutor, all for snapshot
// backups only.
func (d *Driver) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	if err := ctx.Err(); err != nil {
		return drivers.Capabilities{}, apiError("capabilities", err)
	}
	return d.capabilities(), nil
}

func (d *Driver) capabilities() drivers.Capabilities {
	kinds := []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts}
	if d.hooks != nil {
		kinds = append(kinds, drivers.KindHook, drivers.KindStatusUpdate)
	}
	return drivers.Capabilities{Kinds: kinds, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeSnapshot}}
}

// Start starts task; it is idempotent on task.ID (see the package
// documentation). Errors: InvalidArgument for a malformed task, Unimplemented
// for a kind or backup type the driver does not run, FailedPrecondition when
// a claim to snapshot or a snapshot to restore is missing or unusable,
// AlreadyExists when an object of the task's name belongs to something else,
// and the code of the API server's error otherwise.
func (d *Driver) Start(ctx context.Context, task *drivers.Task) error {
	if err := ctx.Err(); err != nil {
		return apiError("start", err)
	}
	if err := d.validate(task); err != nil {
		return err
	}
	if rec := d.lookup(task.ID); rec != nil && (rec.end != nil || rec.kind == drivers.KindDeleteArtifacts) {
		return nil // stopped, or tracked in memory
	}
	switch task.Kind {
	case drivers.KindBackup:
		return d.startBackup(ctx, task)
	case drivers.KindRestore:
		return d.startRestore(ctx, task)
	case drivers.KindDeleteArtifacts:
		return d.startDelete(ctx, task)
	default:
		if err := d.hooks.Start(ctx, task); err != nil {
			return fmt.Errorf("csi: %w", err)
		}
		return nil
	}
}

// Status reports the task with this ID, or an error with code NotFound when
// the driver knows no such task (never started, cleaned up, or left
// incomplete by a Start that did not finish).
func (d *Driver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	if err := ctx.Err(); err != nil {
		return nil, apiError("status", err)
	}
	rec := d.lookup(id)
	if rec == nil {
		return d.discoverStatus(ctx, id)
	}
	switch rec.kind {
	case drivers.KindBackup:
		return d.backupStatus(ctx, id, rec.namespace)
	case drivers.KindRestore:
		return d.restoreStatus(ctx, id, rec.namespace)
	default:
		return d.deleteStatus(ctx, rec)
	}
}

// discoverStatus finds a task the driver does not know in memory by the
// objects labelled with its ID, in every namespace, or by the record of
// its pod exec.
func (d *Driver) discoverStatus(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	st, err := d.backupStatus(ctx, id, allNamespaces)
	if !drivers.IsNotFound(err) {
		return st, err
	}
	st, err = d.restoreStatus(ctx, id, allNamespaces)
	if !drivers.IsNotFound(err) || d.hooks == nil {
		return st, err
	}
	return d.hooks.Status(ctx, id)
}

// Cancel stops the task with this ID: a backup's snapshots that are not
// ready are deleted, a hook's exec is interrupted. The task then reports
// Failed with code Canceled. A finished or unknown task is left as it is.
func (d *Driver) Cancel(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return apiError("cancel", err)
	}
	rec := d.lookup(id)
	switch {
	case rec == nil:
		if err := d.cancelBackup(ctx, id, allNamespaces); err != nil || d.hooks == nil {
			return err
		}
		return d.hooks.Cancel(ctx, id)
	case rec.kind == drivers.KindBackup:
		return d.cancelBackup(ctx, id, rec.namespace)
	case rec.kind == drivers.KindDeleteArtifacts:
		return d.cancelDelete(ctx, rec)
	default:
		return nil // a restore is finished when Start returns
	}
}

// Cleanup forgets the task with this ID: it stops it when it still runs,
// deletes its VolumeSnapshots that are not ready, and removes the driver's
// labels and annotations from its other objects (ready snapshots, restored
// claims), which it never deletes. Status then returns NotFound. Idempotent.
func (d *Driver) Cleanup(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return apiError("cleanup", err)
	}
	rec := d.lookup(id)
	ns := allNamespaces
	if rec != nil {
		ns = rec.namespace
	}
	if rec == nil || rec.kind == drivers.KindBackup {
		if err := d.cleanupBackup(ctx, id, ns); err != nil {
			return err
		}
	}
	if rec == nil || rec.kind == drivers.KindRestore {
		if err := d.cleanupRestore(ctx, id, ns); err != nil {
			return err
		}
	}
	d.forget(id)
	if rec == nil && d.hooks != nil {
		return d.hooks.Cleanup(ctx, id)
	}
	return nil
}
