package job

import (
	"context"
	"fmt"
	"sync"

	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec"
	"github.com/dpsdk/dataprotection/internal/shell"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Driver runs tasks as Kubernetes Jobs, and hook and status-update tasks
// by pod exec in the target's container. It implements drivers.Driver and
// is safe for concurrent use.
type Driver struct {
	client kubernetes.Interface
	opts   Options

	// execs runs hook and status-update tasks; nil without a PodExecutor.
	execs *podexec.Runner
	// watch serves Status from informers; nil with Options.DirectReads.
	watch *watching

	mu sync.Mutex
	// namespaces remembers the namespace of each Job task this process
	// started or found.
	namespaces map[string]string
}

var (
	_ drivers.Driver   = (*Driver)(nil)
	_ drivers.Notifier = (*Driver)(nil)
)

// New returns a Job driver that works through client; the zero Options
// are the defaults. It refuses a nil client. Unless Options.DirectReads is
// set, the driver reads its Jobs and their pods from informers, started by
// the first Status or Notify and stopped by Close.
func New(client kubernetes.Interface, opts Options) (*Driver, error) {
	if client == nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "job: new driver: the Kubernetes client is nil")
	}
	d := &Driver{client: client, opts: opts.withDefaults(), namespaces: map[string]string{}}
	if !d.opts.DirectReads {
		w, err := newWatching(d)
		if err != nil {
			return nil, fmt.Errorf("job: new driver: %w", err)
		}
		d.watch = w
	}
	if d.opts.PodExec != nil {
		d.execs = podexec.New(client, podexec.Options{Exec: d.opts.PodExec, Namespace: d.opts.Namespace,
			OwnerReferences: true, Logger: d.opts.Logger.WithName("podexec"), Clock: d.opts.Clock})
	}
	return d, nil
}

// Capabilities reports backup, restore and delete-artifacts tasks of
// datafile and logfile backups, hook and status-update tasks when the
// driver has a PodExecutor, and repositories when it has a ToolsImage. It
// never changes.
func (d *Driver) Capabilities(context.Context) (drivers.Capabilities, error) {
	kinds := []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts}
	if d.opts.PodExec != nil {
		kinds = append(kinds, drivers.KindHook, drivers.KindStatusUpdate)
	}
	return drivers.Capabilities{
		Kinds:        kinds,
		BackupTypes:  []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile},
		Repositories: d.opts.ToolsImage != "",
	}, nil
}

// Start starts task t: a Job named t.ID for backup, restore and
// delete-artifacts tasks; a pod exec in the target's container for hook
// and status-update tasks. A Job named t.ID that carries the label
// v1alpha1.LabelTaskID=t.ID is adopted; one without it is an AlreadyExists error.
// Before a backup's Job, the backup claim is created when it is missing and
// the task says how (a FailedPrecondition error when it does not).
func (d *Driver) Start(ctx context.Context, t *drivers.Task) error {
	if err := ctx.Err(); err != nil {
		return drivers.WithCode(drivers.Canceled, err)
	}
	if err := d.check(t); err != nil {
		return err
	}
	if isExec(t.Kind) {
		if err := d.execs.Start(ctx, t); err != nil {
			return fmt.Errorf("job driver: %w", err)
		}
		return nil
	}
	return d.startJob(ctx, t)
}

// check returns an InvalidArgument or Unimplemented error for a task the
// driver cannot run: its shape (drivers.ValidateTask), its kind and type,
// then what a Job or a pod exec needs.
func (d *Driver) check(t *drivers.Task) error {
	if err := drivers.ValidateTask(t); err != nil {
		return fmt.Errorf("job driver: %w", err)
	}
	caps, _ := d.Capabilities(context.Background())
	if t.Snapshot != nil || !caps.Supports(t.Kind, t.BackupType) {
		return drivers.Errorf(drivers.Unimplemented, "job driver: task %q: %s tasks of %s backups are not supported",
			t.ID, t.Kind, t.BackupType)
	}
	if err := drivers.ValidateCommands(t); err != nil {
		return fmt.Errorf("job driver: %w", err)
	}
	if err := shell.CheckStepNames(t.Steps); err != nil {
		return fmt.Errorf("job driver: task %q: %w", t.ID, err)
	}
	if (t.Kind == drivers.KindBackup || t.Kind == drivers.KindRestore) && t.Image == "" {
		return invalid(t.ID, "no image")
	}
	if t.Storage != nil {
		if err := checkMount(t.Storage); err != nil {
			return invalid(t.ID, "%v", err)
		}
	}
	return d.checkStaged(t)
}

// Status reports the task with this ID: from its Job (conditions read by
// type), or from the record of its pod exec. It returns a NotFound error
// when there is neither.
func (d *Driver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	st, err := d.jobStatus(ctx, id)
	if drivers.IsNotFound(err) && d.execs != nil {
		return d.execs.Status(ctx, id)
	}
	return st, err
}

// Cancel stops the task with this ID: a Job is suspended, marked with
// v1alpha1.AnnotationTaskCanceled and its pods deleted; a pod exec is
// interrupted. Either then reports Failed with code Canceled. A finished or
// unknown task is left as it is.
func (d *Driver) Cancel(ctx context.Context, id string) error {
	if err := d.cancelJob(ctx, id); err != nil || d.execs == nil {
		return err
	}
	return d.execs.Cancel(ctx, id)
}

// Cleanup deletes the task's Job (propagation Background) and its pods, or
// the record of its pod exec, cancelling it first. Backup data is never
// touched. Idempotent; an unknown ID returns nil.
func (d *Driver) Cleanup(ctx context.Context, id string) error {
	if err := d.cleanupJob(ctx, id); err != nil || d.execs == nil {
		return err
	}
	return d.execs.Cleanup(ctx, id)
}

func isExec(k drivers.TaskKind) bool { return k == drivers.KindHook || k == drivers.KindStatusUpdate }
