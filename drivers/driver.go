package drivers

import (
	"context"
	"slices"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Driver runs tasks. Implementations must be safe for concurrent use and must
// pass the conformance suite in drivers/drivertest.
type Driver interface {
	// Capabilities reports the task kinds and backup types the driver can
	// run. It must return the same value for the driver's whole life; the
	// engine checks it when a policy is validated, not in the middle of a
	// backup.
	Capabilities(ctx context.Context) (Capabilities, error)

	// Start starts task. It is idempotent on task.ID: starting an ID that
	// was started before (running or finished, even by an earlier process)
	// adopts that work and returns nil without running it again. It returns
	// quickly; the work goes on after it returns and is observed with
	// Status. Errors: InvalidArgument for a malformed task, Unimplemented
	// for a kind or type the driver does not support, FailedPrecondition
	// when something the task needs is missing, Unavailable when the
	// backend cannot be reached.
	Start(ctx context.Context, task *Task) error

	// Status reports the task with this ID. It returns an error with code
	// NotFound when no task of that ID was started (or it was cleaned up).
	Status(ctx context.Context, id string) (*TaskStatus, error)

	// Cancel stops the task with this ID; it then reports Failed with code
	// Canceled. Cancelling a finished task does nothing. Idempotent; an
	// unknown ID returns nil.
	Cancel(ctx context.Context, id string) error

	// Cleanup removes what the driver keeps to run and report the task
	// (processes, Jobs, state files), never backup data. After it, Status
	// returns NotFound. Idempotent; an unknown ID returns nil. Cleaning up
	// a running task cancels it first.
	Cleanup(ctx context.Context, id string) error
}

// Capabilities says what a driver can run.
type Capabilities struct {
	// Kinds are the task kinds the driver runs.
	Kinds []TaskKind
	// BackupTypes are the backup types the driver runs tasks of.
	BackupTypes []v1alpha1.BackupType
	// Repositories says that the driver runs backup and restore tasks
	// with a Repository (see Repository for what that asks of it).
	Repositories bool
}

// Supports reports whether the driver runs tasks of kind k for backup type t.
func (c Capabilities) Supports(k TaskKind, t v1alpha1.BackupType) bool {
	return slices.Contains(c.Kinds, k) && slices.Contains(c.BackupTypes, t)
}
