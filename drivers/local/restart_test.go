package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// TestMain lets the test binary act as an engine process that starts a
// task and dies at once (see startInOtherProcess).
func TestMain(m *testing.M) {
	if os.Getenv("LOCAL_DRIVER_HELPER") == "start" {
		os.Exit(helperStart())
	}
	os.Exit(m.Run())
}

// helperStart starts the task in $LOCAL_DRIVER_TASK with a driver over
// $LOCAL_DRIVER_ROOT and $LOCAL_DRIVER_STATE, and exits without closing
// anything, as a crashing engine would.
func helperStart() int {
	var task drivers.Task
	if err := json.Unmarshal([]byte(os.Getenv("LOCAL_DRIVER_TASK")), &task); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	d, err := local.New(local.Options{Root: os.Getenv("LOCAL_DRIVER_ROOT"), StateDir: os.Getenv("LOCAL_DRIVER_STATE"),
		Secrets: local.SecretMap{"ns/db": {"password": "hunter2-restart"}}})
	if err == nil {
		err = d.Start(context.Background(), &task)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startInOtherProcess starts task from another process, which exits at
// once.
func (f *fixture) startInOtherProcess(task *drivers.Task) {
	f.t.Helper()
	data, err := json.Marshal(task)
	require.NoError(f.t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCAL_DRIVER_HELPER=start", "LOCAL_DRIVER_TASK="+string(data),
		"LOCAL_DRIVER_ROOT="+f.root, "LOCAL_DRIVER_STATE="+f.state)
	out, err := cmd.CombinedOutput()
	require.NoError(f.t, err, "helper: %s", out)
}

func TestTaskOfADeadEngineIsAdoptedAndReportedExactly(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.Secrets = local.SecretMap{"ns/db": {"password": "hunter2-restart"}} })
	task := f.task("adopted",
		`echo run >> "$BACKUP_DIR/runs"`,
		`echo "pw=$DB_PASSWORD" >&2`,
		`while [ ! -e "$BACKUP_DIR/../go-adopted" ]; do sleep 0.01; done`,
		`printf 'backup data' > "$BACKUP_DIR/data"`,
		`echo '{"backupTool":{"CheckPoint":"0/42"}}'`)
	task.Env = append(task.Env, secretEnv("DB_PASSWORD", "db", "password"))
	f.startInOtherProcess(task) // that engine is gone now; its task runs on

	st := waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.Phase == drivers.Running })
	assert.False(t, st.StartTime.IsZero(), "the start time recorded by the dead engine")
	require.NoError(t, f.d.Start(f.ctx, task), "Start of a task the dead engine started")
	require.NoError(t, os.WriteFile(filepath.Join(f.dir(task.ID), "..", "go-adopted"), nil, 0o600))

	st = wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/42"}}`, string(st.Output))
	require.Len(t, st.Artifacts, 2)
	assert.Equal(t, "data", st.Artifacts[0].Path)
	assert.Equal(t, int64(len("backup data")), st.Artifacts[0].Size)
	assert.Contains(t, st.LogTail, "pw=[REDACTED]", "a new driver still redacts the secrets")
	assert.NotContains(t, st.LogTail, "hunter2")

	again := f.newDriver() // another restart: the same final status, no rerun
	require.NoError(t, again.Start(f.ctx, task))
	st2, err := again.Status(f.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, st, st2)
	runs, err := os.ReadFile(filepath.Join(f.dir(task.ID), "runs"))
	require.NoError(t, err)
	assert.Equal(t, "run\n", string(runs), "the task ran once")
}

func TestFailureOfAnAdoptedTaskIsExact(t *testing.T) {
	f := newFixture(t)
	task := f.task("adopted-fail", `sleep 0.2`, `echo "tool: disk full" >&2; exit 7`, `echo never`)
	task.Steps = append(task.Steps, drivers.Step{Name: "later", Commands: []string{"echo later"}})
	f.startInOtherProcess(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Unknown, st.ErrorCode)
	assert.Equal(t, `command 2 of 3 of step "main" exited with status 7`, st.Message)
	assert.Contains(t, st.LogTail, "tool: disk full")
	assert.NotContains(t, st.LogTail, "never")
}

func TestAdoptedTaskPastItsDeadlineIsKilled(t *testing.T) {
	f := newFixture(t)
	task := f.task("adopted-deadline", `sleep 60`)
	task.Deadline = timeIn(300)
	f.startInOtherProcess(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.True(t, strings.HasPrefix(st.Message, "the task ran past its deadline"), st.Message)
	eventually(t, func() bool { return !f.processesLive(task.ID) }, "the task's processes are killed")
}

func TestTaskWhoseProcessesVanishedIsFailedWithAClearMessage(t *testing.T) {
	f := newFixture(t)
	task := f.task("vanished", `sleep 60`)
	f.start(task)
	waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.Phase == drivers.Running })
	pgid := f.pgid(task.ID)
	require.NoError(t, syscall.Kill(-pgid, syscall.SIGKILL), "kill the task's processes from outside")
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Unavailable, st.ErrorCode)
	assert.Contains(t, st.Message, "ended without recording an exit status")
}

// pgid returns the process group of a task's supervisor (its pid, as it
// leads its own session).
func (f *fixture) pgid(id string) int {
	f.t.Helper()
	var pid int
	eventually(f.t, func() bool {
		data, err := os.ReadFile(filepath.Join(f.state, id, "pid"))
		if err != nil {
			return false
		}
		_, err = fmt.Sscan(string(data), &pid)
		return err == nil && pid > 0
	}, "the supervisor's pid is recorded")
	gid, err := syscall.Getpgid(pid)
	require.NoError(f.t, err)
	require.Equal(f.t, pid, gid, "the supervisor leads its own process group")
	return pid
}
