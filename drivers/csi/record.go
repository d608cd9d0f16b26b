package csi

import (
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// record is what the driver keeps in memory about a task it started or
// stopped. Backup and restore tasks live in the cluster; their record only
// saves a cluster-wide search and keeps a failure stable once the objects
// that showed it are gone. Delete tasks live here only; hook and
// status-update tasks live in the pod exec runner.
type record struct {
	kind      drivers.TaskKind
	namespace string
	task      *drivers.Task // delete tasks
	started   time.Time     // delete tasks

	// end is the sticky failure of a stopped task; nil while it may run.
	end *outcome
}

// outcome is how a task ended.
type outcome struct {
	code drivers.Code
	msg  string
	at   time.Time
}

func (d *Driver) lookup(id string) *record {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tasks[id]
}

// remember records a task unless one of that ID is known; it returns the
// record kept and whether it is rec.
func (d *Driver) remember(id string, rec *record) (*record, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cur, ok := d.tasks[id]; ok {
		return cur, false
	}
	d.tasks[id] = rec
	return rec, true
}

func (d *Driver) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.tasks, id)
}

// setEnd records the failure of a task stopped by the driver, creating its
// record when the task was not known in memory (after a restart), and
// returns the failure kept: the first one wins.
func (d *Driver) setEnd(id string, kind drivers.TaskKind, namespace string, end outcome) outcome {
	d.mu.Lock()
	defer d.mu.Unlock()
	rec := d.tasks[id]
	if rec == nil {
		rec = &record{kind: kind, namespace: namespace}
		d.tasks[id] = rec
	}
	if rec.end == nil {
		rec.end = &end
	}
	return *rec.end
}

// endOf returns the sticky failure of a task, if any.
func (d *Driver) endOf(id string) *outcome {
	d.mu.Lock()
	defer d.mu.Unlock()
	if rec := d.tasks[id]; rec != nil && rec.end != nil {
		e := *rec.end
		return &e
	}
	return nil
}

func failedStatus(id string, start time.Time, end outcome) *drivers.TaskStatus {
	return &drivers.TaskStatus{ID: id, Phase: drivers.Failed, StartTime: start, CompletionTime: end.at,
		ErrorCode: end.code, Message: end.msg}
}
