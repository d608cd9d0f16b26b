package job

import (
	"context"
	"fmt"
	"sync"

	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Driver runs tasks as Kubernetes Jobs, and hook and status-update tasks
// by pod exec in the target's container. It implements drivers.Driver and
// is safe for concurrent use.
type Driver struct {
	client kubernetes.Interface
	opts   Options

	mu sync.Mutex
	// namespaces remembers the namespace of each Job task this process
	// started or found.
	namespaces map[string]string
	// execs are the hook and status-update tasks of this process.
	execs map[string]*execTask
}

var _ drivers.Driver = (*Driver)(nil)

// New returns a Job driver that works through client. opts may be nil.
func New(client kubernetes.Interface, opts *Options) *Driver {
	return &Driver{
		client:     client,
		opts:       opts.withDefaults(),
		namespaces: map[string]string{},
		execs:      map[string]*execTask{},
	}
}

// Capabilities reports backup, restore and delete-artifacts tasks of
// datafile and logfile backups, and hook and status-update tasks when the
// driver has a PodExecutor. It never changes.
func (d *Driver) Capabilities(context.Context) (drivers.Capabilities, error) {
	kinds := []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts}
	if d.opts.PodExec != nil {
		kinds = append(kinds, drivers.KindHook, drivers.KindStatusUpdate)
	}
	return drivers.Capabilities{
		Kinds:       kinds,
		BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile},
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
		return d.startExec(ctx, t)
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
	if err := checkStepEnv(t.Steps); err != nil {
		return invalid(t.ID, "%v", err)
	}
	switch t.Kind {
	case drivers.KindBackup, drivers.KindRestore:
		if t.Image == "" {
			return invalid(t.ID, "no image")
		}
	case drivers.KindHook, drivers.KindStatusUpdate:
		if t.Target.Name == "" {
			return invalid(t.ID, "no target pod to run in")
		}
	}
	if t.Storage != nil {
		if err := checkMount(t.Storage); err != nil {
			return invalid(t.ID, "%v", err)
		}
	}
	return nil
}

// Status reports the task with this ID: from its Job (conditions read by
// type), or from this process's record of a pod exec. It returns a
// NotFound error when there is neither.
func (d *Driver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	if st, ok := d.execStatus(id); ok {
		return st, nil
	}
	return d.jobStatus(ctx, id)
}

// Cancel stops the task with this ID: a Job is suspended, marked with
// v1alpha1.AnnotationTaskCanceled and its pods deleted; a pod exec is interrupted.
// Either then reports Failed with code Canceled. A finished or unknown task
// is left as it is.
func (d *Driver) Cancel(ctx context.Context, id string) error {
	if d.cancelExec(id) {
		return nil
	}
	return d.cancelJob(ctx, id)
}

// Cleanup deletes the task's Job (propagation Background) and its pods, or
// forgets its pod exec, cancelling it first. Backup data is never touched.
// Idempotent; an unknown ID returns nil.
func (d *Driver) Cleanup(ctx context.Context, id string) error {
	if wasExec, err := d.forgetExec(ctx, id); wasExec || err != nil {
		return err
	}
	return d.cleanupJob(ctx, id)
}

func isExec(k drivers.TaskKind) bool { return k == drivers.KindHook || k == drivers.KindStatusUpdate }
