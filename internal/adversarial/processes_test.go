package adversarial_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// tenantWorld is a world with one target, app=tenant, and no secrets.
func tenantWorld(t *testing.T) *world {
	return newWorld(t, worldOptions{targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
}

// dirSize is the total size of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// peakSize samples the size of dir until the returned function is called,
// which returns the largest size seen.
func peakSize(dir string) func() int64 {
	var peak atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if n := dirSize(dir); n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() int64 { cancel(); <-done; return peak.Load() }
}

// Class 6, chatty commands: the tool prints 64 MiB on standard output and
// 8 MiB on standard error before its JSON line. Bound: the local driver's
// state directory never holds more than local.MaxOutputBytes (6.125 MiB)
// of output plus 64 KiB of state files, and the JSON line is still found.
// (256 MiB through the driver alone: drivers/local
// TestChattyCommandKeepsABoundedTailOfItsOutput.)
func TestClass06ChattyCommandsUseBoundedDisk(t *testing.T) {
	w := tenantWorld(t)
	w.tool("chatty", `yes 'a progress line of a chatty tool' | head -c 67108864; echo`,
		`yes 'a warning' | head -c 8388608 >&2`, `echo '{"backupTool":{"CheckPoint":"0/66"}}'`)
	w.policy("tenant", "p", "chatty")
	peak := peakSize(w.stateDir())
	b := w.backup("tenant", "b1", "p", 2*time.Minute)
	max := peak()
	t.Logf("72 MiB printed; the state directory held at most %d bytes", max)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "0/66", b.Status.Manifests.BackupTool.CheckPoint)
	assert.LessOrEqual(t, max, int64(local.MaxOutputBytes+64<<10))
}

// Class 9, leaked children: the tool and the tenant's status-update script
// each leave a background process behind. Bound: both are dead within 2 s
// of the Backup's completion, as a container's would be.
func TestClass09LeakedChildrenDieWithTheTask(t *testing.T) {
	w := tenantWorld(t)
	w.tool("leaky", `sleep 300 >/dev/null 2>&1 & echo $! > "$BACKUP_DIR/tool-child"`)
	w.policy("tenant", "p", "leaky", v1alpha1.BackupStatusUpdate{UpdateStage: v1alpha1.PostBackup,
		Script: `sleep 300 & echo $! > "$BACKUP_DIR/update-child"; echo '{}'`})
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	completed := time.Now()
	for _, file := range []string{"tool-child", "update-child"} {
		pid, err := strconv.Atoi(readFile(t, filepath.Join(w.backupDir("tenant", "b1"), file)))
		require.NoError(t, err, file)
		for alive(pid) {
			require.Less(t, time.Since(completed), 10*time.Second, "%s %d outlived the task", file, pid)
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	stat := string(data)
	for i := len(stat) - 1; i > 0; i-- {
		if stat[i] == ')' {
			return i+2 >= len(stat) || stat[i+2] != 'Z'
		}
	}
	return true
}

// Class 11a, state directory deletion: on its first run the tool deletes
// the local driver's whole state directory (every task's, and their lock
// files), then goes on for a second; the engine sees its task vanish and
// starts it again. Bound: the two runs never overlap (each run's "start"
// is followed by its own "end"), and the Backup completes.
func TestClass11aDeletedStateNeverRunsATaskTwiceAtOnce(t *testing.T) {
	w := tenantWorld(t)
	w.tool("vandal", `echo start >> "$BACKUP_DIR/runs"
if [ ! -e "$BACKUP_DIR/deleted" ]; then
	touch "$BACKUP_DIR/deleted"
	rm -rf "$BACKUP_DIR"/../../../`+local.DefaultStateDirName+`/* "$BACKUP_DIR"/../../../`+local.DefaultStateDirName+`/.locks
	sleep 1
fi
echo end >> "$BACKUP_DIR/runs"`)
	w.policy("tenant", "p", "vandal")
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "start\nend\nstart\nend", readFile(t, filepath.Join(w.backupDir("tenant", "b1"), "runs")),
		"the second run started after the first ended")
}
