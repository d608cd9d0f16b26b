package memdriver

import "github.com/dpsdk/dataprotection/drivers"

// Outcome is how a task ends.
type Outcome struct {
	// Polls is the number of Status calls that report Running before the
	// task finishes (0: it finishes at the first Status).
	Polls int
	// Fail makes the task end Failed with Message and Code.
	Fail bool
	// Message of a failed task.
	Message string
	// Code of a failed task.
	Code drivers.Code
	// Output is the task's JSON output, reported on success.
	Output []byte
	// TotalSize is reported on success, in bytes.
	TotalSize int64
	// Artifacts are reported on success.
	Artifacts []drivers.Artifact
	// Snapshots are reported on success.
	Snapshots []drivers.Snapshot
	// Repository is reported on success: what a backup task with a
	// Repository committed (the driver writes nothing anywhere).
	Repository *drivers.RepositoryResult
	// BytesPerPoll is added to BytesDone at each Status that reports the
	// task Running.
	BytesPerPoll int64
	// Held keeps the task Running, whatever Polls says, until Release is
	// called with its ID: a task that finishes on its own, as a Job does,
	// for testing notifications (Driver.Notifies).
	Held bool
	// IgnoreDeadline keeps the task running past its Deadline, as a driver
	// that does not enforce deadlines would: for testing that the engine
	// enforces them.
	IgnoreDeadline bool
}

// Succeed is the outcome of a task when Driver.Script is nil: it succeeds
// at the first Status with one 1 KiB artifact.
func Succeed() Outcome {
	return Outcome{Artifacts: []drivers.Artifact{{Path: "data", Size: 1024, Checksum: "sha256:00"}}, TotalSize: 1024}
}
