package memdriver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/notify"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Driver is the in-memory driver. Set its fields before its first use.
type Driver struct {
	// Script returns the outcome of a task when it starts (once per task
	// ID). Nil: every task has the outcome Succeed returns.
	Script func(t *drivers.Task) Outcome
	// Caps are the capabilities; nil means every kind and backup type.
	Caps *drivers.Capabilities
	// Clock gives StartTime and CompletionTime, and decides when a task is
	// past its Deadline. Nil: the real clock. A test that runs the engine
	// on a fake clock sets the same clock here.
	Clock clock.PassiveClock
	// Notifies makes the driver a drivers.Notifier that works: it
	// notifies when a task starts, is cancelled or is released (Release).
	// False: Notify fails with Unimplemented and the engine polls.
	Notifies bool

	mu         sync.Mutex
	listeners  notify.Listeners
	tasks      map[string]*task
	executions map[string]int
	started    []drivers.Task
}

var (
	_ drivers.Driver   = (*Driver)(nil)
	_ drivers.Notifier = (*Driver)(nil)
)

// New returns a driver whose tasks end as script says (nil: they succeed,
// see Succeed).
func New(script func(t *drivers.Task) Outcome) *Driver {
	return &Driver{Script: script, tasks: map[string]*task{}, executions: map[string]int{}}
}

// Capabilities returns Caps, or every task kind and backup type, with
// repositories.
func (d *Driver) Capabilities(context.Context) (drivers.Capabilities, error) {
	if d.Caps != nil {
		return *d.Caps, nil
	}
	return drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes, Repositories: true}, nil
}

// Start records t and its outcome; a task ID that was started before is
// adopted (nothing is recorded). Errors: Canceled when ctx has ended,
// InvalidArgument when drivers.ValidateTask refuses t, Unimplemented when
// Caps does not have t's kind and backup type.
func (d *Driver) Start(ctx context.Context, t *drivers.Task) error {
	if err := d.check(ctx, t); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	if _, ok := d.tasks[t.ID]; ok {
		return nil
	}
	out := Succeed()
	if d.Script != nil {
		out = d.Script(t)
	}
	d.tasks[t.ID] = &task{spec: *t, outcome: out,
		status: drivers.TaskStatus{ID: t.ID, Phase: drivers.Running, StartTime: d.now()}}
	d.executions[t.ID]++
	d.started = append(d.started, *t)
	d.listeners.Notify(t.ID)
	return nil
}

// check returns the error Start returns for ctx and t, if any.
func (d *Driver) check(ctx context.Context, t *drivers.Task) error {
	if err := ctx.Err(); err != nil {
		return drivers.WithCode(drivers.Canceled, err)
	}
	if err := drivers.ValidateTask(t); err != nil {
		return fmt.Errorf("memdriver: %w", err)
	}
	caps, _ := d.Capabilities(ctx)
	if !caps.Supports(t.Kind, t.BackupType) {
		return drivers.Errorf(drivers.Unimplemented, "memdriver: task %s: %s tasks of %s backups are not in Caps", t.ID, t.Kind, t.BackupType)
	}
	return nil
}

// Status reports the task: Running until its outcome's Polls are used up
// or its Deadline passes, then finished. Errors: NotFound for an ID never
// started or cleaned up.
func (d *Driver) Status(_ context.Context, id string) (*drivers.TaskStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.tasks[id]
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "memdriver: task %q not found", id)
	}
	t.poll(d.now())
	st := t.status
	return &st, nil
}

// Cancel fails the task with Canceled if it is running; an unknown ID or
// a finished task is left alone.
func (d *Driver) Cancel(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tasks[id]; ok && !t.status.Phase.IsTerminal() {
		t.end(d.now(), drivers.Canceled, "memdriver: cancelled")
		d.listeners.Notify(id)
	}
	return nil
}

// Cleanup forgets the task; Status then returns NotFound. Executions and
// Started still count it.
func (d *Driver) Cleanup(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.tasks, id)
	return nil
}

// init makes the maps of a Driver that was not made by New. d.mu is held.
func (d *Driver) init() {
	if d.tasks == nil {
		d.tasks, d.executions = map[string]*task{}, map[string]int{}
	}
}

func (d *Driver) now() time.Time {
	if d.Clock == nil {
		return time.Now()
	}
	return d.Clock.Now()
}
