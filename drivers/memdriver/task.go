package memdriver

import (
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// task is a started task: what it was started with, its outcome, and what
// Status reports.
type task struct {
	spec    drivers.Task
	outcome Outcome
	polls   int
	status  drivers.TaskStatus
}

// poll advances a running task by one Status call at now: past its
// deadline it fails (unless its outcome ignores deadlines), with its polls
// used up it finishes as its outcome says.
func (t *task) poll(now time.Time) {
	switch {
	case t.status.Phase.IsTerminal(), t.outcome.Held:
	case !t.outcome.IgnoreDeadline && !t.spec.Deadline.IsZero() && now.After(t.spec.Deadline):
		t.end(now, drivers.DeadlineExceeded, "memdriver: the task ran past its deadline "+t.spec.Deadline.UTC().Format(time.RFC3339))
	case t.polls < t.outcome.Polls:
		t.polls++
		t.status.BytesDone += t.outcome.BytesPerPoll
	case t.outcome.Fail:
		t.end(now, t.outcome.Code, t.outcome.Message)
		t.status.LogTail = "memdriver log: " + t.outcome.Message
	default:
		o := &t.outcome
		t.status.Phase, t.status.CompletionTime = drivers.Succeeded, now
		t.status.Output, t.status.TotalSize = o.Output, o.TotalSize
		t.status.Artifacts, t.status.Snapshots, t.status.Repository = o.Artifacts, o.Snapshots, o.Repository
	}
}

// end makes the task Failed with code and message.
func (t *task) end(now time.Time, code drivers.Code, message string) {
	t.status.Phase, t.status.CompletionTime = drivers.Failed, now
	t.status.ErrorCode, t.status.Message = code, message
}
