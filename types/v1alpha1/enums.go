package v1alpha1

// BackupType is the kind of data a Backup holds: datafile, logfile or snapshot.
// +kubebuilder:validation:Enum={datafile,logfile,snapshot}
type BackupType string

// The backup types.
const (
	// BackupTypeDataFile is a backup of the database files made by a BackupTool.
	BackupTypeDataFile BackupType = "datafile"
	// BackupTypeLogFile is a backup of the database's logs (for point-in-time recovery).
	BackupTypeLogFile BackupType = "logfile"
	// BackupTypeSnapshot is a CSI volume snapshot of the database's volumes.
	BackupTypeSnapshot BackupType = "snapshot"
)

// BackupTypes lists every BackupType in the order of the spec.
var BackupTypes = []BackupType{BackupTypeDataFile, BackupTypeLogFile, BackupTypeSnapshot}

// BaseBackupType is the base backup type.
// +kubebuilder:validation:Enum={full,snapshot}
type BaseBackupType string

// The base backup types.
const (
	// BaseBackupTypeFull is a full base backup.
	BaseBackupTypeFull BaseBackupType = "full"
	// BaseBackupTypeSnapshot is a snapshot base backup.
	BaseBackupTypeSnapshot BaseBackupType = "snapshot"
)

// BackupPhase is the phase of a Backup: New, InProgress, Completed or Failed.
// +kubebuilder:validation:Enum={New,InProgress,Completed,Failed}
type BackupPhase string

// The Backup phases.
const (
	// BackupNew is a Backup not yet started (an empty phase means New too).
	BackupNew BackupPhase = "New"
	// BackupInProgress is a Backup whose tasks run.
	BackupInProgress BackupPhase = "InProgress"
	// BackupCompleted is a Backup whose data is complete; terminal.
	BackupCompleted BackupPhase = "Completed"
	// BackupFailed is a Backup that failed for good; terminal.
	BackupFailed BackupPhase = "Failed"
)

// IsTerminal reports whether p is Completed or Failed.
func (p BackupPhase) IsTerminal() bool { return p == BackupCompleted || p == BackupFailed }

// BackupPolicyPhase is the phase of a BackupPolicy: Available or Failed.
// +kubebuilder:validation:Enum={Available,Failed}
type BackupPolicyPhase string

// The BackupPolicy phases.
const (
	// PolicyAvailable is a BackupPolicy that validated and can run backups.
	PolicyAvailable BackupPolicyPhase = "Available"
	// PolicyFailed is a BackupPolicy that did not validate; see failureReason.
	PolicyFailed BackupPolicyPhase = "Failed"
)

// RestoreJobPhase is the phase of a RestoreJob: New, InProgressPhy,
// InProgressLogic, Completed or Failed.
// +kubebuilder:validation:Enum={New,InProgressPhy,InProgressLogic,Completed,Failed}
type RestoreJobPhase string

// The RestoreJob phases.
const (
	// RestoreJobNew is a RestoreJob not yet started (an empty phase means New too).
	RestoreJobNew RestoreJobPhase = "New"
	// RestoreJobInProgressPhy runs the physical restore commands, database stopped.
	RestoreJobInProgressPhy RestoreJobPhase = "InProgressPhy"
	// RestoreJobInProgressLogic runs the logical restore commands, database running.
	RestoreJobInProgressLogic RestoreJobPhase = "InProgressLogic"
	// RestoreJobCompleted is a finished restore; terminal.
	RestoreJobCompleted RestoreJobPhase = "Completed"
	// RestoreJobFailed is a restore that failed for good; terminal.
	RestoreJobFailed RestoreJobPhase = "Failed"
)

// IsTerminal reports whether p is Completed or Failed.
func (p RestoreJobPhase) IsTerminal() bool {
	return p == RestoreJobCompleted || p == RestoreJobFailed
}

// BackupStatusUpdateStage says when a backupStatusUpdates script runs:
// pre (before the backup) or post (after it).
// +kubebuilder:validation:Enum={pre,post}
type BackupStatusUpdateStage string

// The status update stages.
const (
	// PreBackup runs the update before the backup's main task.
	PreBackup BackupStatusUpdateStage = "pre"
	// PostBackup runs the update after the backup's main task.
	PostBackup BackupStatusUpdateStage = "post"
)

// CreatePVCPolicy says whether the backup PersistentVolumeClaim is created
// when it does not exist.
// +kubebuilder:validation:Enum={IfNotPresent,Never}
type CreatePVCPolicy string

// The PVC creation policies.
const (
	// CreatePVCPolicyIfNotPresent creates the claim when it does not exist.
	CreatePVCPolicyIfNotPresent CreatePVCPolicy = "IfNotPresent"
	// CreatePVCPolicyNever requires the claim to exist.
	CreatePVCPolicyNever CreatePVCPolicy = "Never"
)

// DeployKind says how a BackupTool runs: job (a one-shot task) or daemon (a
// long-running task such as continuous log archiving).
// +kubebuilder:validation:Enum={job,daemon}
type DeployKind string

// The deploy kinds.
const (
	// DeployKindJob runs the tool as a one-shot task.
	DeployKindJob DeployKind = "job"
	// DeployKindDaemon runs the tool as a long-running task.
	DeployKindDaemon DeployKind = "daemon"
)

// ToolType is the type of a BackupTool: file or pitr.
// +kubebuilder:validation:Enum={file,pitr}
type ToolType string

// The tool types.
const (
	// ToolTypeFile is a tool that backs up and restores files.
	ToolTypeFile ToolType = "file"
	// ToolTypePITR is a tool for point-in-time recovery (log archiving and replay).
	ToolTypePITR ToolType = "pitr"
)
