package policy

import (
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// PlannedTask is a task and the registered driver that runs it.
type PlannedTask struct {
	// Driver is the registry name of the driver.
	Driver string
	// Task is the resolved work.
	Task drivers.Task
	// StatusPath is, for a status update, the dot-separated path under the
	// Backup's status that its JSON output is written to ("" = status).
	StatusPath string
}

// BackupPlan is everything a Backup runs, in order.
type BackupPlan struct {
	// Tasks run one after the other: pre-stage status updates, pre hooks,
	// the main task, post hooks, post-stage status updates.
	Tasks []PlannedTask
	// Main is the index in Tasks of the main (backup) task.
	Main int
	// Driver is the registry name of the main task's driver, recorded on
	// the Backup so its deletion uses the same driver.
	Driver string
	// ToolName is the BackupTool that makes the backup; "" for snapshots.
	ToolName string
	// Storage is where the data goes; nil for snapshots.
	Storage *drivers.Storage
	// BackupDir is BACKUP_DIR, recorded as manifests.backupTool.filePath.
	BackupDir string
	// ParentName is the parent of an incremental backup; "" otherwise.
	ParentName string
}

// BackupInputs are what ResolveBackup needs; the executor gathers them.
type BackupInputs struct {
	// Backup to resolve.
	Backup *v1alpha1.Backup
	// Policy named by the Backup, defaulted.
	Policy *v1alpha1.BackupPolicy
	// Tool named by the policy for the backup's type; nil for snapshots.
	Tool *v1alpha1.BackupTool
	// Parent is the Backup named by spec.parentBackupName; nil otherwise.
	Parent *v1alpha1.Backup
	// Target is the database instance to back up (see SelectTarget).
	Target drivers.Target
	// Attempt numbers the run (0 for the first); task IDs include it.
	Attempt int
	// Deadline of every task of the plan.
	Deadline time.Time
	// Claims is the host's default backup claim, for a policy that names
	// none.
	Claims BackupClaimDefaults
}
