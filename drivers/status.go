package drivers

import "time"

// Phase is where a task is.
type Phase string

// The task phases.
const (
	// Pending: accepted, not running yet.
	Pending Phase = "Pending"
	// Running: running.
	Running Phase = "Running"
	// Succeeded: finished without error; terminal.
	Succeeded Phase = "Succeeded"
	// Failed: finished with an error; terminal.
	Failed Phase = "Failed"
)

// IsTerminal reports whether p is Succeeded or Failed.
func (p Phase) IsTerminal() bool { return p == Succeeded || p == Failed }

// TaskStatus is what a driver reports about a task.
type TaskStatus struct {
	// ID is the task's ID.
	ID string
	// Phase is where the task is.
	Phase Phase
	// StartTime is when the task started running; zero before.
	StartTime time.Time
	// CompletionTime is when the task finished; zero before.
	CompletionTime time.Time
	// Artifacts are the files the task wrote under BACKUP_DIR.
	Artifacts []Artifact
	// TotalSize is the size in bytes of everything the task produced
	// (the artifacts, a snapshot's restore size, or the logical bytes a
	// repository upload stored).
	TotalSize int64
	// BytesDone is, while the task runs, how many bytes it has moved so
	// far (uploaded to or downloaded from its Repository); zero when the
	// driver does not know. It never decreases within a task.
	BytesDone int64
	// Repository is, for a succeeded backup task with a Repository, what
	// its upload committed; nil otherwise.
	Repository *RepositoryResult
	// Snapshots are the volume snapshots a snapshot task made.
	Snapshots []Snapshot
	// Output is the task's standard output when it is JSON (a status
	// update's result, or a tool's manifest); nil otherwise.
	Output []byte
	// OutputSize is, when Output is nil although the task printed
	// something, the size in bytes of its standard output (or of the line
	// it was looked for in), when the driver knows it; 0 otherwise. With
	// it the engine says that an output was too large instead of missing.
	OutputSize int64
	// OutputStart is, when Output is nil although the task printed
	// something, the start of its standard output as OutputStartOf makes
	// it (secret values redacted, at most MaxOutputStart bytes), for the
	// engine's messages; empty when the driver kept none of it.
	OutputStart string
	// LogTail is the end of the task's combined output, for failure
	// reasons; secret values never appear in it.
	LogTail string
	// ErrorCode classifies a Failed task.
	ErrorCode Code
	// Message describes a Failed task.
	Message string
}

// Artifact is one file of a backup.
type Artifact struct {
	// Path is the file's path relative to BACKUP_DIR.
	Path string
	// Size is the file's size in bytes.
	Size int64
	// Checksum is "sha256:<hex>" of the file's content.
	Checksum string
}

// Snapshot is one volume snapshot.
type Snapshot struct {
	// VolumeSnapshotName is the VolumeSnapshot's name.
	VolumeSnapshotName string
	// VolumeSnapshotContentName is the bound VolumeSnapshotContent's name.
	VolumeSnapshotContentName string
	// SourceClaim is the claim the snapshot was taken of.
	SourceClaim string
	// RestoreSize is the snapshot's size in bytes.
	RestoreSize int64
}
