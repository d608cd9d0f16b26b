package local

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// adoptedPollInterval is how often the driver looks whether a task it
// adopted (started by an earlier process, so not its child) has ended.
const adoptedPollInterval = time.Second

var _ drivers.Notifier = (*Driver)(nil)

// Notify calls fn with a task's ID whenever the task may have changed,
// until ctx ends or Close (see drivers.Notifier): when the supervisor of a
// task this Driver started, or the capture of its output, exits (their
// waits in this process), when a
// transfer to or from a repository or the measurement of a backup's files
// ends, and, for a task a Driver before it started (found running in
// StateDir when Notify is first called), when its exit record and the end
// of its output are in, or its processes are gone (looked at every second).
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	if err := d.begin(ctx, "notify"); err != nil {
		return err
	}
	d.listeners.Add(ctx, fn)
	d.adoptOnce.Do(func() {
		if ids := d.adoptedRunning(); len(ids) > 0 {
			go d.watchAdopted(ids)
		}
	})
	return nil
}

// notify tells the listeners that task id may have changed.
func (d *Driver) notify(id string) { d.listeners.Notify(id) }

// adoptedRunning lists the tasks of StateDir that have no exit record and
// that this Driver did not start.
func (d *Driver) adoptedRunning() map[string]bool {
	entries, err := os.ReadDir(d.state)
	if err != nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]bool{}
	for _, e := range entries {
		id := e.Name()
		if !e.IsDir() || strings.HasPrefix(id, ".") || !validID(id) || d.pids[id] != 0 {
			continue
		}
		dir := d.taskDir(id)
		if !exists(filepath.Join(dir, fileExit)) && !exists(filepath.Join(dir, fileResult)) {
			out[id] = true
		}
	}
	return out
}

// watchAdopted notifies each of the adopted tasks once it has ended, until
// the Driver is closed.
func (d *Driver) watchAdopted(ids map[string]bool) {
	tick := time.NewTicker(adoptedPollInterval)
	defer tick.Stop()
	for len(ids) > 0 {
		select {
		case <-tick.C:
		case <-d.done:
			return
		}
		for id := range ids {
			if d.adoptedOver(id) {
				delete(ids, id)
				d.notify(id)
			}
		}
	}
}

// adoptedOver reports whether Status would find adopted task id over: its
// exit is recorded and its output complete (the exit record alone can come
// before the end of the output, and Status is Running until then), or no
// process of it lives.
func (d *Driver) adoptedOver(id string) bool {
	dir := d.taskDir(id)
	if exit, err := readExit(dir); err == nil && exit != nil {
		var st taskState
		if found, err := readJSON(dir, fileState, &st); found && err == nil && outputComplete(dir, &st, exit) {
			return true
		}
	}
	return !d.lives(id)
}

// lives reports whether some process of task id lives (an error counts as
// alive: the task is looked at again).
func (d *Driver) lives(id string) bool {
	held, err := d.held(id)
	return held || err != nil
}
