package tardriver

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Options configure a Driver.
type Options struct {
	// Local configures the local driver the tasks run under: Root (the
	// storage root, required) and StateDir (the tasks' state on disk) in
	// particular.
	Local local.Options
	// Exe is the executable that runs the archive and extract commands:
	// the plugin binary itself, whose main calls RunTool when its first
	// argument is a tool command. Default: os.Executable().
	Exe string
}

// Driver is the tar + gzip driver. It is safe for concurrent use.
type Driver struct {
	local *local.Driver
	exe   string
}

var _ drivers.Driver = (*Driver)(nil)

// New returns a driver over opts; it adopts the tasks found in the local
// driver's state directory.
func New(opts Options) (*Driver, error) {
	exe := opts.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, drivers.Errorf(drivers.FailedPrecondition, "tar driver: %w", err)
		}
	}
	l, err := local.New(opts.Local)
	if err != nil {
		return nil, fmt.Errorf("tar driver: %w", err)
	}
	return &Driver{local: l, exe: exe}, nil
}

// Close stops the driver's timers; running tasks go on, and a new Driver on
// the same state directory adopts them.
func (d *Driver) Close() error { return d.local.Close() }

// Capabilities implements drivers.Driver: those of the local driver (every
// task kind, for datafile and logfile backups).
func (d *Driver) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	return d.local.Capabilities(ctx)
}

// Start implements drivers.Driver: it adds the archive step to datafile
// backups and the extract step to datafile restores, and starts the task
// under the local driver (idempotent on the task's ID).
func (d *Driver) Start(ctx context.Context, task *drivers.Task) error {
	if task == nil {
		return drivers.Errorf(drivers.InvalidArgument, "tar driver: nil task")
	}
	return d.local.Start(ctx, d.withTar(task))
}

// Status implements drivers.Driver.
func (d *Driver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	return d.local.Status(ctx, id)
}

// Cancel implements drivers.Driver.
func (d *Driver) Cancel(ctx context.Context, id string) error { return d.local.Cancel(ctx, id) }

// Cleanup implements drivers.Driver: it removes the task's state, never the
// backup.
func (d *Driver) Cleanup(ctx context.Context, id string) error { return d.local.Cleanup(ctx, id) }

// The step names tardriver adds.
const (
	StepArchive = "tar-gzip-archive"
	StepExtract = "tar-gzip-extract"
)

// withTar returns task with tardriver's step: a copy, the same for the
// same task, so that a task keeps one definition across Starts.
func (d *Driver) withTar(task *drivers.Task) *drivers.Task {
	if task.BackupType != v1alpha1.BackupTypeDataFile {
		return task
	}
	exe := shellQuote(d.exe)
	t := *task
	switch task.Kind {
	case drivers.KindBackup:
		cmd := fmt.Sprintf(`exec %s %s "${SOURCE_DIR:-${DATA_DIR:-}}" "$BACKUP_DIR"`, exe, ToolArchive)
		t.Steps = append(append([]drivers.Step(nil), task.Steps...), drivers.Step{Name: StepArchive, Commands: []string{cmd}})
	case drivers.KindRestore:
		cmd := fmt.Sprintf(`exec %s %s "$BACKUP_DIR" "${RESTORE_DIR:-${SOURCE_DIR:-${DATA_DIR:-}}}"`, exe, ToolExtract)
		t.Steps = append([]drivers.Step{{Name: StepExtract, Commands: []string{cmd}}}, task.Steps...)
	}
	return &t
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Notify implements drivers.Notifier with the local driver's
// notifications (a task's process exits): a plugin declares it over the
// protocol when its driver has it.
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	return d.local.Notify(ctx, fn)
}
