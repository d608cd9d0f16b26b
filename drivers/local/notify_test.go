package local_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// subscribe returns a channel of the task IDs d notifies, until the test
// ends.
func subscribe(t *testing.T, d *local.Driver) <-chan string {
	ch := make(chan string, 100)
	require.NoError(t, d.Notify(t.Context(), func(id string) {
		select {
		case ch <- id:
		default:
		}
	}))
	return ch
}

// untilNotified waits for notifications of task id until its status, read
// at each one, is terminal; a terminal status that no notification
// announced fails the test.
func untilNotified(t *testing.T, d *local.Driver, ch <-chan string, id string) *drivers.TaskStatus {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case got := <-ch:
			if got != id {
				continue
			}
			st, err := d.Status(context.Background(), id)
			require.NoError(t, err)
			t.Logf("notified: %+v", st)
			if st.Phase.IsTerminal() {
				return st
			}
		case <-timeout:
			t.Fatalf("task %s: no notification of its end", id)
		}
	}
}

func TestNotifyWhenATaskExits(t *testing.T) {
	f := newFixture(t)
	ch := subscribe(t, f.d)
	task := f.task("notified", `while [ ! -e "$BACKUP_DIR/../go-notified" ]; do sleep 0.01; done`, `echo data > "$BACKUP_DIR/data"`)
	f.start(task)
	waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.Phase == drivers.Running })
	require.NoError(t, os.WriteFile(filepath.Join(f.dir(task.ID), "..", "go-notified"), nil, 0o600))
	st := untilNotified(t, f.d, ch, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
}

func TestNotifyWhenADeletionEnds(t *testing.T) {
	f := newFixture(t)
	backup := f.task("to-delete", `echo data > "$BACKUP_DIR/data"`)
	f.start(backup)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, backup.ID).Phase)
	ch := subscribe(t, f.d)
	del := f.task("delete-to-delete")
	del.Kind, del.Steps, del.Storage.Path = drivers.KindDeleteArtifacts, nil, backup.Storage.Path
	f.start(del)
	st := untilNotified(t, f.d, ch, del.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
}

// runAdopted starts a task of commands from another process, its first
// command waiting for a gate; a new Driver subscribes, the gate opens, and
// it returns the status at the notification that found the task over.
func runAdopted(t *testing.T, f *fixture, id string, commands ...string) *drivers.TaskStatus {
	t.Helper()
	gate := filepath.Join(f.root, "go-"+id)
	task := f.task(id, append([]string{`while [ ! -e '` + gate + `' ]; do sleep 0.01; done`}, commands...)...)
	f.startInOtherProcess(task)
	d := f.newDriver()
	ch := subscribe(t, d)
	require.NoError(t, os.WriteFile(gate, nil, 0o600))
	return untilNotified(t, d, ch, task.ID)
}

func TestNotifyWhenATaskOfAnEarlierDriverExits(t *testing.T) {
	st := runAdopted(t, newFixture(t), "adopted-notified", `exit 3`)
	require.Equal(t, drivers.Failed, st.Phase, "%+v", st)
}

// TestNotifyWhenAnAdoptedTasksOutputEndsAfterItsExit: the exit record of a
// task an earlier Driver started can come before the end of its output (a
// process outside its group holds the pipe for a while); Status is Running
// until the output ends, and the notification comes then, not at the exit
// record (which left the engine to its fallback poll).
func TestNotifyWhenAnAdoptedTasksOutputEndsAfterItsExit(t *testing.T) {
	st := runAdopted(t, newFixture(t), "adopted-late-output",
		`setsid sh -c 'echo up > "$BACKUP_DIR/escaped"; sleep 2; echo late' &
		 while [ ! -s "$BACKUP_DIR/escaped" ]; do sleep 0.01; done; echo done`)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.Contains(t, st.LogTail, "late", "the status came after the whole output")
}

func TestNotifyAfterCloseFails(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.d.Close())
	err := f.d.Notify(t.Context(), func(string) {})
	require.Error(t, err)
	require.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err))
}
