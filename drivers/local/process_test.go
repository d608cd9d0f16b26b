package local_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// childPIDs waits for the pids a task's commands wrote to file and
// returns them.
func (f *fixture) childPIDs(id, file string, n int) []int {
	f.t.Helper()
	var pids []int
	eventually(f.t, func() bool {
		data, err := os.ReadFile(filepath.Join(f.dir(id), file))
		if err != nil {
			return false
		}
		pids = pids[:0]
		for _, field := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(field); err == nil {
				pids = append(pids, pid)
			}
		}
		return len(pids) >= n
	}, "the commands record their children")
	return pids
}

func TestCancelKillsTheWholeProcessGroup(t *testing.T) {
	// A grace period far beyond the bound below: a SIGKILL could not come
	// in time, so the children dying proves that SIGTERM was enough.
	f := newFixture(t, func(o *local.Options) { o.KillGrace = time.Minute })
	task := f.task("group",
		`sleep 300 & echo $! >> "$BACKUP_DIR/pids"; sh -c 'sleep 300' & echo $! >> "$BACKUP_DIR/pids"; wait`)
	f.start(task)
	pids := f.childPIDs(task.ID, "pids", 2)
	for _, pid := range pids {
		require.True(t, alive(pid), "child %d runs", pid)
	}
	start := time.Now()
	require.NoError(t, f.d.Cancel(f.ctx, task.ID))
	st, err := f.d.Status(f.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase, "a cancelled task is Failed at once")
	assert.Equal(t, drivers.Canceled, st.ErrorCode)
	eventually(t, func() bool { return !alive(pids[0]) && !alive(pids[1]) }, "the children die with the group")
	assert.Less(t, time.Since(start), 30*time.Second, "SIGTERM was enough")
	eventually(t, func() bool { return !f.processesLive(task.ID) }, "no process of the task lives")
}

func TestCancelKillsWhatIgnoresSIGTERMAfterTheGracePeriod(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.KillGrace = time.Second })
	// An ignored signal stays ignored across exec: this sleep ignores SIGTERM.
	task := f.task("stubborn",
		`sh -c 'trap "" TERM; echo ready > "$BACKUP_DIR/ready"; exec sleep 300' & echo $! >> "$BACKUP_DIR/pids"; wait`)
	f.start(task)
	pid := f.childPIDs(task.ID, "pids", 1)[0]
	eventually(t, func() bool { _, err := os.Stat(filepath.Join(f.dir(task.ID), "ready")); return err == nil }, "SIGTERM is ignored")
	canceled := time.Now()
	require.NoError(t, f.d.Cancel(f.ctx, task.ID))
	eventually(t, func() bool { return !alive(pid) }, "SIGKILL after the grace period")
	assert.GreaterOrEqual(t, time.Since(canceled), time.Second, "a process that ignores SIGTERM outlives it until the grace period ends")
	st := wait(t, f.d, task.ID)
	assert.Equal(t, drivers.Canceled, st.ErrorCode)
}

func TestCleanupOfARunningTaskKillsItAndKeepsTheData(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.KillGrace = 200 * time.Millisecond })
	task := f.task("cleanup-running", `echo kept > "$BACKUP_DIR/kept"`,
		`sh -c 'trap "" TERM; exec sleep 300' & echo $! >> "$BACKUP_DIR/pids"; wait`)
	f.start(task)
	pid := f.childPIDs(task.ID, "pids", 1)[0]
	require.NoError(t, f.d.Cleanup(f.ctx, task.ID))
	assert.False(t, alive(pid), "Cleanup returns once the task's processes are dead")
	_, err := f.d.Status(f.ctx, task.ID)
	assert.True(t, drivers.IsNotFound(err))
	assert.NoDirExists(t, filepath.Join(f.state, task.ID), "the task's state is gone")
	assert.FileExists(t, filepath.Join(f.dir(task.ID), "kept"), "backup data is never removed by Cleanup")
}

func TestDeadlineKillsTheProcessGroup(t *testing.T) {
	f := newFixture(t)
	task := f.task("deadline", `sleep 300 & echo $! >> "$BACKUP_DIR/pids"; wait`)
	task.Deadline = timeIn(2000) // time for the pid to be written first, on a loaded machine
	f.start(task)
	pid := f.childPIDs(task.ID, "pids", 1)[0]
	st := wait(t, f.d, task.ID)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.False(t, time.Now().Before(task.Deadline))
	eventually(t, func() bool { return !alive(pid) }, "the task's children die at the deadline")
}

func TestTaskPastItsDeadlineAtStartNeverRuns(t *testing.T) {
	f := newFixture(t)
	task := f.task("late", `echo ran > "$BACKUP_DIR/ran"`)
	task.Deadline = timeIn(-1000)
	f.start(task)
	st := wait(t, f.d, task.ID)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.NoFileExists(t, filepath.Join(f.dir(task.ID), "ran"))
}

func TestStatusIsPendingOrRunningWhileTheCommandsRun(t *testing.T) {
	f := newFixture(t)
	task := f.task("running", `echo "line $BACKUP_NAME"`, `sleep 60`)
	f.start(task)
	st := waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return strings.Contains(s.LogTail, "line running") })
	assert.Equal(t, drivers.Running, st.Phase)
	assert.False(t, st.StartTime.IsZero())
	assert.True(t, st.CompletionTime.IsZero())
	log, err := f.d.Log(f.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, "line running\n", string(log))
	_, err = f.d.Log(f.ctx, "unknown")
	assert.True(t, drivers.IsNotFound(err))
}

func TestCommandsRunInTheBackupDirectoryWithTheHostEnvironment(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.Environ = []string{"PATH=" + os.Getenv("PATH"), "HOST_VAR=host", "A=host-a"} })
	task := f.task("cwd", `printf '%s|%s|%s|%s' "$(pwd -P)" "$HOST_VAR" "$A" "${__DP_STATE:-unset}" > out`)
	task.Env = append(task.Env, env("A", "task-a"))
	f.start(task)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, task.ID).Phase)
	data, err := os.ReadFile(filepath.Join(f.dir(task.ID), "out"))
	require.NoError(t, err)
	real, err := filepath.EvalSymlinks(f.dir(task.ID))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%s|host|task-a|unset", real), string(data),
		"cwd is BACKUP_DIR; the host's environment, then the task's; the supervisor's variables are hidden")
}

func TestLogTailIsBoundedAndStartsAtALine(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.LogTailBytes = 64 })
	task := f.task("tail", `i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done; exit 1`)
	f.start(task)
	st := wait(t, f.d, task.ID)
	assert.LessOrEqual(t, len(st.LogTail), 64)
	assert.True(t, strings.HasPrefix(st.LogTail, "line "), "%q", st.LogTail)
	assert.True(t, strings.HasSuffix(st.LogTail, "line 99\n"), "%q", st.LogTail)
}

func TestJSONOutputIsTheLastJSONObjectLine(t *testing.T) {
	f := newFixture(t)
	cases := map[string]struct {
		cmd  string
		want string
	}{
		"last-line":  {`echo starting; echo '{"a":1}'; echo '{"a":2}'; echo done; echo '[1]' `, `{"a":2}`},
		"multi-line": {`printf '{\n  "a": {"b": 1}\n}\n'`, "{\n  \"a\": {\"b\": 1}\n}"},
		"none":       {`echo plain text; echo '[1,2]'`, ``},
		"stderr":     {`echo '{"err":1}' >&2`, ``},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			task := f.task("json-"+name, c.cmd)
			f.start(task)
			st := wait(t, f.d, task.ID)
			require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
			assert.Equal(t, c.want, string(st.Output))
		})
	}
}
