package local_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// stateSize is the total size of the files under a task's state directory.
func (f *fixture) stateSize(id string) int64 {
	var n int64
	_ = filepath.WalkDir(filepath.Join(f.state, id), func(_ string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// watchStateSize samples the size of a task's state directory every few
// milliseconds until the returned function is called, which returns the
// largest size seen.
func (f *fixture) watchStateSize(id string) func() int64 {
	var peak atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if n := f.stateSize(id); n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() int64 {
		cancel()
		<-done
		if n := f.stateSize(id); n > peak.Load() {
			peak.Store(n)
		}
		return peak.Load()
	}
}

// A command that prints hundreds of MiB leaves a bounded tail of its output
// in the state directory, at every moment, never a copy (or two) of all of
// it; the JSON line it prints last is still its output (issue 13, defect
// 6). Bound: local.MaxOutputBytes of output files, plus the small state
// files.
func TestChattyCommandKeepsABoundedTailOfItsOutput(t *testing.T) {
	const printed = 256 << 20
	const bound = local.MaxOutputBytes + 64<<10
	f := newFixture(t)
	task := f.task("chatty",
		fmt.Sprintf(`yes 'a line the tool prints, again and again, and again' | head -c %d; echo`, printed),
		`echo 'to stderr, chattily' >&2; yes 'progress' | head -c 3000000 >&2; echo >&2`,
		`echo '{"backupTool":{"CheckPoint":"0/99"}}'`,
		`echo 'the tool is done' >&2`)
	peak := f.watchStateSize(task.ID)
	f.start(task)
	st := f.waitLong(task.ID, 2*time.Minute)
	most := peak()
	t.Logf("%d MiB printed; the state directory held at most %d bytes (bound %d)", printed>>20, most, bound)
	require.Equal(t, drivers.Succeeded, st.Phase, st.LogTail)
	assert.LessOrEqual(t, most, int64(bound), "the state directory stays under the bound")
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/99"}}`, string(st.Output), "the last JSON line of stdout is found")
	log, err := f.d.Log(f.ctx, task.ID)
	require.NoError(t, err)
	// Standard output reaches the combined output through the capture: up
	// to a pipe's worth of it may come after standard error printed later,
	// so the last lines are looked for after standard error's last
	// progress, not in a fixed number of bytes.
	progress := strings.LastIndex(string(log), "progress\n")
	require.GreaterOrEqual(t, progress, 0, "the kept output holds standard error's progress")
	last := string(log[progress:])
	assert.Contains(t, last, "{\"backupTool\":{\"CheckPoint\":\"0/99\"}}\n", "the last JSON line comes after standard error's progress")
	assert.Contains(t, last, "\nthe tool is done\n")
	assert.Contains(t, st.LogTail, "the tool is done", "the status's tail ends with them too")
	assert.LessOrEqual(t, len(log), local.MaxOutputBytes, "Log returns the kept tail")
	assert.GreaterOrEqual(t, len(log), local.OutputKeptBytes, "at least OutputKeptBytes of the output are kept")
}

// waitLong polls the fixture's driver until the task is terminal, for up
// to timeout (a loaded machine copies hundreds of MiB slowly).
func (f *fixture) waitLong(id string, timeout time.Duration) *drivers.TaskStatus {
	f.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, err := f.d.Status(f.ctx, id)
		require.NoError(f.t, err)
		if st.Phase.IsTerminal() {
			return st
		}
		require.True(f.t, time.Now().Before(deadline), "task %s: timeout; last phase %s", id, st.Phase)
		time.Sleep(20 * time.Millisecond)
	}
}
