package executor

import (
	"context"
	"fmt"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
)

// taskState is where one planned task is, as a step sees it.
type taskState int

const (
	taskRunning taskState = iota
	taskSucceeded
	taskFailed
)

// taskOutcome is the result of driving one task one step.
type taskOutcome struct {
	state  taskState
	status *drivers.TaskStatus
	// reason explains a failed task.
	reason string
}

// drive moves one task forward: it starts it when the driver does not know
// it, reports it while it runs, cancels it past its deadline, and returns its
// final status. An error is a transient problem (the step is retried with
// backoff); a task that cannot run is a taskFailed outcome.
func (e *Executor) drive(ctx context.Context, pt *policy.PlannedTask) (taskOutcome, error) {
	d, err := e.drivers.Lookup(pt.Driver)
	if err != nil {
		return taskOutcome{state: taskFailed, reason: err.Error()}, nil
	}
	st, err := e.callStatus(ctx, d, pt.Task.ID)
	switch {
	case drivers.IsNotFound(err):
		return e.start(ctx, d, pt)
	case err != nil:
		return taskOutcome{}, fmt.Errorf("status of task %s: %w", pt.Task.ID, err)
	}
	switch st.Phase {
	case drivers.Succeeded:
		e.settled(pt.Task.ID)
		return taskOutcome{state: taskSucceeded, status: st}, nil
	case drivers.Failed:
		e.settled(pt.Task.ID)
		return taskOutcome{state: taskFailed, status: st, reason: failureReason(pt, st)}, nil
	}
	if dl := pt.Task.Deadline; !dl.IsZero() && e.now().After(dl) {
		if err := e.call(ctx, func(ctx context.Context) error { return d.Cancel(ctx, pt.Task.ID) }); err != nil {
			return taskOutcome{}, fmt.Errorf("cancel task %s past its deadline: %w", pt.Task.ID, err)
		}
		return taskOutcome{state: taskFailed, status: st, reason: fmt.Sprintf("%s task %s exceeded its deadline %s",
			pt.Task.Kind, pt.Task.ID, dl.Format(time.RFC3339))}, nil
	}
	e.running(ctx, pt.Driver, pt.Task.ID)
	return taskOutcome{state: taskRunning, status: st}, nil
}

func (e *Executor) start(ctx context.Context, d drivers.Driver, pt *policy.PlannedTask) (taskOutcome, error) {
	if dl := pt.Task.Deadline; !dl.IsZero() && e.now().After(dl) {
		return taskOutcome{state: taskFailed, reason: fmt.Sprintf("%s task %s was not started before its deadline %s",
			pt.Task.Kind, pt.Task.ID, dl.Format(time.RFC3339))}, nil
	}
	e.running(ctx, pt.Driver, pt.Task.ID) // before Start: a notification may come before Start returns
	err := e.call(ctx, func(ctx context.Context) error { return d.Start(ctx, &pt.Task) })
	if err == nil {
		return taskOutcome{state: taskRunning}, nil
	}
	e.settled(pt.Task.ID)
	if code := drivers.ErrorCode(err); !code.Retryable() && code != drivers.Canceled {
		return taskOutcome{state: taskFailed, reason: fmt.Sprintf("start %s task: %v", pt.Task.Kind, err)}, nil
	}
	return taskOutcome{}, fmt.Errorf("start task %s: %w", pt.Task.ID, err)
}

func (e *Executor) callStatus(ctx context.Context, d drivers.Driver, id string) (*drivers.TaskStatus, error) {
	var st *drivers.TaskStatus
	err := e.call(ctx, func(ctx context.Context) (err error) {
		st, err = d.Status(ctx, id)
		return err
	})
	return st, err
}

// call runs one driver call under the call timeout.
func (e *Executor) call(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, e.opts.CallTimeout)
	defer cancel()
	return f(ctx)
}

// forget cancels and cleans up tasks, ignoring tasks the driver does not
// know; used when a run is abandoned or its owner goes away.
func (e *Executor) forget(ctx context.Context, tasks []policy.PlannedTask) error {
	for i := range tasks {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := e.drivers.Lookup(tasks[i].Driver)
		if err != nil {
			continue
		}
		id := tasks[i].Task.ID
		e.settled(id)
		if err := e.call(ctx, func(ctx context.Context) error { return d.Cleanup(ctx, id) }); err != nil {
			return fmt.Errorf("clean up task %s: %w", id, err)
		}
	}
	return nil
}

func failureReason(pt *policy.PlannedTask, st *drivers.TaskStatus) string {
	msg := st.Message
	if msg == "" {
		msg = "failed"
	}
	reason := fmt.Sprintf("%s task %s: %s", pt.Task.Kind, pt.Task.ID, msg)
	if st.ErrorCode != drivers.Unknown {
		reason += " (" + st.ErrorCode.String() + ")"
	}
	if st.LogTail != "" {
		reason += "; log: " + lastLines(st.LogTail, 5, 512)
	}
	return reason
}
