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

func TestHooksAndStatusUpdatesRunLocally(t *testing.T) {
	f := newFixture(t)
	hook := f.task("hook", `pwd -P > "$OUT"`, `echo hooked >> "$OUT"`)
	hook.Kind, hook.Storage, hook.Container, hook.Image = drivers.KindHook, nil, "postgres", "ignored:latest"
	hook.Env = append(hook.Env, env("OUT", filepath.Join(t.TempDir(), "hook.out")))
	f.start(hook)
	st := wait(t, f.d, hook.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.Empty(t, st.Artifacts)
	data, err := os.ReadFile(hook.Env[2].Value)
	require.NoError(t, err)
	assert.Contains(t, string(data), filepath.Join(hook.ID, "work")+"\nhooked\n", "a hook runs in a directory of its own")

	pre := f.task("pre-update", `test ! -e "$BACKUP_DIR"`, `echo '{"manifests":{"userContext":{"stage":"pre"}}}'`)
	pre.Kind = drivers.KindStatusUpdate
	f.start(pre)
	st = wait(t, f.d, pre.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "a pre-backup status update runs before BACKUP_DIR exists: %+v", st)
	assert.JSONEq(t, `{"manifests":{"userContext":{"stage":"pre"}}}`, string(st.Output))
	assert.NoDirExists(t, f.dir(pre.ID), "a status update creates no backup directory")
}

func TestALargeBackupIsMeasuredWithoutHoldingStatus(t *testing.T) {
	f := newFixture(t)
	task := f.task("large", `head -c 67108864 /dev/zero > "$BACKUP_DIR/big"`)
	f.start(task)
	eventually(t, func() bool { // without calling Status, which would start the measurement
		for _, name := range []string{"exit.json", "captured"} {
			if _, err := os.Stat(filepath.Join(f.state, task.ID, name)); err != nil {
				return false
			}
		}
		return true
	}, "the commands finish and their output is captured")
	// The measurement is held, and a Status call would wait for it up to a
	// minute: one that honours its 2 s context returns long before, and
	// says Running.
	release, restore := local.HoldMeasurements(time.Minute)
	defer restore()
	ctx, cancel := context.WithTimeout(f.ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	st, err := f.d.Status(ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase, "the task is not over until its backup is measured")
	assert.True(t, st.CompletionTime.IsZero())
	assert.Less(t, time.Since(start), 30*time.Second, "Status does not wait for the measurement beyond its context")
	release()
	st = wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase)
	require.Len(t, st.Artifacts, 1)
	assert.Equal(t, int64(64<<20), st.TotalSize)
	assert.Equal(t, "sha256:3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351", st.Artifacts[0].Checksum)
}
