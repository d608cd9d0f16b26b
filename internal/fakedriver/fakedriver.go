package fakedriver

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

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
	// Output is the task's JSON output.
	Output []byte
	// TotalSize and Artifacts are reported on success.
	TotalSize int64
	// Artifacts are reported on success.
	Artifacts []drivers.Artifact
	// Snapshots are reported on success.
	Snapshots []drivers.Snapshot
}

// Driver is the fake. Script decides each task's outcome (nil: succeed at
// once with a 1 KiB artifact). Safe for concurrent use.
type Driver struct {
	// Script returns the outcome of a task when it starts.
	Script func(t *drivers.Task) Outcome
	// Caps are the capabilities; nil means every kind and type.
	Caps *drivers.Capabilities

	mu         sync.Mutex
	tasks      map[string]*task
	executions map[string]int
	started    []drivers.Task
}

type task struct {
	spec    drivers.Task
	outcome Outcome
	polls   int
	status  drivers.TaskStatus
}

// New returns a fake driver with the given script.
func New(script func(t *drivers.Task) Outcome) *Driver {
	return &Driver{Script: script, tasks: map[string]*task{}, executions: map[string]int{}}
}

// Capabilities implements drivers.Driver.
func (d *Driver) Capabilities(context.Context) (drivers.Capabilities, error) {
	if d.Caps != nil {
		return *d.Caps, nil
	}
	return drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}, nil
}

// Start implements drivers.Driver: an ID that exists is adopted.
func (d *Driver) Start(ctx context.Context, t *drivers.Task) error {
	if err := ctx.Err(); err != nil {
		return drivers.WithCode(drivers.Canceled, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.tasks[t.ID]; ok {
		return nil
	}
	out := Outcome{Artifacts: []drivers.Artifact{{Path: "data", Size: 1024, Checksum: "sha256:00"}}, TotalSize: 1024}
	if d.Script != nil {
		out = d.Script(t)
	}
	d.tasks[t.ID] = &task{spec: *t, outcome: out, status: drivers.TaskStatus{ID: t.ID, Phase: drivers.Running, StartTime: time.Now()}}
	d.executions[t.ID]++
	d.started = append(d.started, *t)
	return nil
}

// Status implements drivers.Driver.
func (d *Driver) Status(_ context.Context, id string) (*drivers.TaskStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.tasks[id]
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "task %q not found", id)
	}
	if t.status.Phase == drivers.Running {
		if t.polls < t.outcome.Polls {
			t.polls++
		} else {
			t.finish()
		}
	}
	st := t.status
	return &st, nil
}

func (t *task) finish() {
	o := t.outcome
	t.status.CompletionTime = time.Now()
	if o.Fail {
		t.status.Phase, t.status.Message, t.status.ErrorCode = drivers.Failed, o.Message, o.Code
		t.status.LogTail = "fake log: " + o.Message
		return
	}
	t.status.Phase = drivers.Succeeded
	t.status.Output, t.status.TotalSize = o.Output, o.TotalSize
	t.status.Artifacts, t.status.Snapshots = o.Artifacts, o.Snapshots
}

// Cancel implements drivers.Driver.
func (d *Driver) Cancel(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tasks[id]; ok && !t.status.Phase.IsTerminal() {
		t.status.Phase, t.status.ErrorCode, t.status.Message = drivers.Failed, drivers.Canceled, "cancelled"
	}
	return nil
}

// Cleanup implements drivers.Driver.
func (d *Driver) Cleanup(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.tasks, id)
	return nil
}

// Executions returns how many times each task ID was executed (started
// without being adopted).
func (d *Driver) Executions() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.executions))
	for k, v := range d.executions {
		out[k] = v
	}
	return out
}

// Started returns the tasks started, in order.
func (d *Driver) Started() []drivers.Task {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]drivers.Task(nil), d.started...)
}

// Live returns the IDs of tasks not cleaned up.
func (d *Driver) Live() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ids []string
	for id := range d.tasks {
		ids = append(ids, id)
	}
	return ids
}
