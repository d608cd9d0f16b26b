package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// dirLocks is the directory of the state directory that holds the tasks'
// lock files, <StateDir>/.locks/<task ID>: beside the tasks' own
// directories, not in them, so that a task whose state directory is
// deleted while it runs is still known to run, and never starts twice at
// once.
const dirLocks = ".locks"

func (d *Driver) lockPath(id string) string { return filepath.Join(d.state, dirLocks, id) }

// takeLock creates (or reuses) the lock file of task id and locks it; busy
// is true when the task's processes hold it, that is, a task of that ID
// runs. The driver also keeps the file open, unlocked, to know whether the
// task lives even if the file is deleted.
func (d *Driver) takeLock(id string) (lock *os.File, busy bool, err error) {
	if err := os.MkdirAll(filepath.Join(d.state, dirLocks), 0o700); err != nil {
		return nil, false, err
	}
	lock, err = os.OpenFile(d.lockPath(id), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := lockExclusive(lock); err != nil {
		held, _ := lockedByOthers(lock)
		lock.Close()
		if held {
			return nil, true, nil
		}
		return nil, false, err
	}
	if err := lock.Truncate(0); err != nil { // the process ID of an earlier run
		lock.Close()
		return nil, false, err
	}
	d.keepGuard(id)
	return lock, false, nil
}

// keepGuard opens the lock file of task id, unless the driver has it open
// already, and keeps it.
func (d *Driver) keepGuard(id string) *os.File {
	d.mu.Lock()
	defer d.mu.Unlock()
	if g := d.guards[id]; g != nil {
		return g
	}
	g, err := os.Open(d.lockPath(id))
	if err != nil {
		return nil
	}
	d.guards[id] = g
	return g
}

// held reports whether some process of task id lives: whether its lock is
// held, through the file the driver keeps open (which sees the lock even
// when the file was deleted), else through the file's path.
func (d *Driver) held(id string) (bool, error) {
	g := d.keepGuard(id)
	if g == nil {
		return false, nil // no lock file: nothing of the task runs
	}
	return lockedByOthers(g)
}

// lockPID returns the process ID the supervisor wrote into the lock file
// (0 when there is none): how a task whose state directory was deleted is
// still signalled.
func (d *Driver) lockPID(id string) int {
	data, err := os.ReadFile(d.lockPath(id))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

// removeLock removes the lock file of task id and forgets the driver's
// handle on it; the task's processes are gone (or beyond reach).
func (d *Driver) removeLock(id string) {
	d.dropGuard(id)
	if err := os.Remove(d.lockPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.log.Error(err, "cannot remove a task's lock file", "task", id)
	}
}

// dropGuard closes the driver's handle on the lock file of task id.
func (d *Driver) dropGuard(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropGuardLocked(id)
}

// dropGuardLocked is dropGuard for a caller that holds d.mu.
func (d *Driver) dropGuardLocked(id string) {
	if g := d.guards[id]; g != nil {
		g.Close()
		delete(d.guards, id)
	}
}

// sweepLocks removes the lock files that no process holds and whose task
// has no state directory: what a deleted state directory left.
func (d *Driver) sweepLocks() {
	entries, err := os.ReadDir(filepath.Join(d.state, dirLocks))
	if err != nil {
		return
	}
	for _, e := range entries {
		id := e.Name()
		if exists(d.taskDir(id)) {
			continue
		}
		if held, err := d.held(id); err == nil && !held {
			d.removeLock(id)
		}
	}
}
