package drivers

import (
	"context"
	"io"
)

// MaxLogBytes bounds what LogReader.Logs returns of a task's output: its
// end, at most this many bytes.
const MaxLogBytes = 1 << 20

// LogReader is an optional interface of a Driver, beside the SPI: the
// output of its tasks, for people and the tools they use (dpctl logs).
// The engine records LogLocation on each Backup and RestoreJob for the
// tasks it runs (v1alpha1.AnnotationTasks).
type LogReader interface {
	// Logs returns the end of the combined output (standard output and
	// standard error) of task id, at most MaxLogBytes bytes, secret
	// values redacted; the caller closes it. It returns an error for which
	// IsNotFound is true when the driver does not know the task (never
	// started, or cleaned up with its output).
	Logs(ctx context.Context, id string) (io.ReadCloser, error)
	// LogLocation says, for people, where the log of task t is kept: a
	// file, a pod's log; "" when nowhere. It makes no call and does not
	// need the task to have started.
	LogLocation(t *Task) string
}

// DataLocator is an optional interface of a Driver whose backup data is
// somewhere a person can look directly, in other terms than the paths the
// task sees (the local driver: the directory on the host that a claim's
// mount path stands for). The engine records it on each Backup
// (v1alpha1.AnnotationDataPath).
type DataLocator interface {
	// DataLocation says where the data of backup task t is, for people;
	// "" when the driver cannot say. It makes no call.
	DataLocation(t *Task) string
}
