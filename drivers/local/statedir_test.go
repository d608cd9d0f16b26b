package local_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// runs returns how many times the task's first command ran.
func (f *fixture) runs(id string) int {
	data, _ := os.ReadFile(filepath.Join(f.dir(id), "runs"))
	return len(data) / len("run\n")
}

// A task whose state directory is deleted while it runs is never started
// a second time while its processes live, by this Driver or by a new one:
// Status reports it Running, Start adopts it (issue 13, defect 11a). Once
// its processes are gone it is unknown, and starts anew.
func TestATaskWhoseStateDirectoryIsDeletedNeverRunsTwiceAtOnce(t *testing.T) {
	f := newFixture(t)
	task := f.task("deleted", `echo run >> "$BACKUP_DIR/runs"`,
		`while [ ! -e "$BACKUP_DIR/../go-deleted" ]; do sleep 0.01; done`)
	f.start(task)
	waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.Phase == drivers.Running })
	eventually(t, func() bool { return f.runs(task.ID) == 1 }, "the task runs")
	require.NoError(t, os.RemoveAll(filepath.Join(f.state, task.ID)))

	st, err := f.d.Status(f.ctx, task.ID)
	require.NoError(t, err, "a task whose processes live is known")
	assert.Equal(t, drivers.Running, st.Phase)
	require.NoError(t, f.d.Start(f.ctx, task), "the engine starts it again")
	restarted := f.newDriver()
	require.NoError(t, restarted.Start(f.ctx, task), "so does a restarted engine")
	st, err = restarted.Status(f.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase)
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, 1, f.runs(task.ID), "the task never ran twice at once")

	require.NoError(t, os.WriteFile(filepath.Join(f.dir(task.ID), "..", "go-deleted"), nil, 0o600))
	eventually(t, func() bool { _, err := restarted.Status(f.ctx, task.ID); return drivers.IsNotFound(err) },
		"once its processes are gone, a task without a state directory is unknown")
	require.NoError(t, restarted.Start(f.ctx, task), "and starts anew")
	require.Equal(t, drivers.Succeeded, wait(t, restarted, task.ID).Phase)
	assert.Equal(t, 2, f.runs(task.ID), "one run after the other")
}

// Even with its lock file deleted too (the whole state directory emptied),
// a running task is known to the Driver that started it, which neither
// starts it again nor loses the means to stop it: Cancel still kills its
// processes.
func TestATaskWhoseWholeStateIsDeletedIsStillKnownAndStoppable(t *testing.T) {
	f := newFixture(t)
	task := f.task("emptied", `echo run >> "$BACKUP_DIR/runs"; sleep 300`)
	f.start(task)
	eventually(t, func() bool { return f.runs(task.ID) == 1 }, "the task runs")
	waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.Phase == drivers.Running })
	entries, err := os.ReadDir(f.state)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.RemoveAll(filepath.Join(f.state, e.Name())))
	}

	require.NoError(t, f.d.Start(f.ctx, task))
	st, err := f.d.Status(f.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase)
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, 1, f.runs(task.ID), "the task never ran twice at once")

	require.NoError(t, f.d.Cancel(f.ctx, task.ID))
	eventually(t, func() bool { _, err := f.d.Status(f.ctx, task.ID); return drivers.IsNotFound(err) },
		"Cancel stops its processes; then it is unknown")
}
