package local_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// A command's background children die when the task ends, succeeded or
// failed, as a container's processes do when its main process exits: none
// outlives the task nor holds its lock, and none (even one that keeps the
// output open) holds the task in Running (issue 13, defect 9). Bound: every
// child is gone within 2 s of the task's end.
func TestBackgroundChildrenDieWhenTheTaskEnds(t *testing.T) {
	f := newFixture(t)
	for name, c := range map[string]struct {
		cmd    string
		phase  drivers.Phase
		output string
	}{
		"succeeded":          {`sleep 300 >/dev/null 2>&1 & echo $! > "$BACKUP_DIR/pids"`, drivers.Succeeded, ``},
		"failed":             {`sleep 300 >/dev/null 2>&1 & echo $! > "$BACKUP_DIR/pids"; exit 3`, drivers.Failed, ``},
		"ignoring-signals":   {`sh -c 'trap "" TERM HUP INT; exec sleep 300' >/dev/null 2>&1 & echo $! > "$BACKUP_DIR/pids"`, drivers.Succeeded, ``},
		"holding-the-output": {`sleep 300 & echo $! > "$BACKUP_DIR/pids"; echo '{"a":1}'`, drivers.Succeeded, `{"a":1}`},
		"grandchild":         {`sh -c 'sleep 300 >/dev/null 2>&1 & echo $! > "$BACKUP_DIR/pids"' &`, drivers.Succeeded, ``},
	} {
		t.Run(name, func(t *testing.T) {
			// The last command waits for the pid, which the grandchild's
			// shell writes in the background.
			task := f.task("children-"+name, c.cmd, `while [ ! -s "$BACKUP_DIR/pids" ]; do sleep 0.01; done`)
			f.start(task)
			pid := f.childPIDs(task.ID, "pids", 1)[0]
			st := wait(t, f.d, task.ID)
			require.Equal(t, c.phase, st.Phase, "%+v", st)
			assert.Equal(t, c.output, string(st.Output))
			ended := time.Now()
			eventually(t, func() bool { return !alive(pid) }, "the child dies with the task")
			eventually(t, func() bool { return !f.processesLive(task.ID) }, "no process of the task holds its lock")
			assert.Less(t, time.Since(ended), 10*time.Second, "not the child's own 300 s")
			eventually(t, func() bool { // the final status is recorded once the processes are gone
				_, err := f.d.Status(f.ctx, task.ID)
				require.NoError(t, err)
				_, err = os.Stat(filepath.Join(f.state, task.ID, "result.json"))
				return err == nil
			}, "the final status is recorded")
		})
	}
}

// A process that leaves the task's process group (setsid, as a daemon
// does) is beyond the driver's reach, as it would be beyond a container's
// only in a pid namespace: it is not killed. While it keeps the output
// open the capture cannot finish, so the task ends all the same once the
// capture grace has passed after its last command, with the output its
// commands printed.
func TestAProcessThatLeftTheGroupDoesNotHoldTheTask(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("needs setsid")
	}
	defer local.SetCaptureGrace(3 * time.Second)() // far below the escaped sleep 300
	f := newFixture(t)
	task := f.task("escaped", `setsid sh -c 'echo $$$$ > "$BACKUP_DIR/pids"; exec sleep 300' &
while [ ! -s "$BACKUP_DIR/pids" ]; do sleep 0.01; done; echo '{"a":1}'`)
	f.start(task)
	pid := f.childPIDs(task.ID, "pids", 1)[0]
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.JSONEq(t, `{"a":1}`, string(st.Output))
	assert.True(t, alive(pid), "a process in a session of its own is not the task's")
}
