package plugin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// newHelperManager starts a Manager over one helper plugin and closes it
// when the test ends.
func newHelperManager(t *testing.T, mode string, tune func(*ManagerOptions)) (*Manager, drivers.Driver, string) {
	t.Helper()
	state := t.TempDir()
	opts := ManagerOptions{Binaries: []Binary{helperBinary(t, "helper", mode, state)}, StartTimeout: 20 * time.Second}
	if tune != nil {
		tune(&opts)
	}
	m, err := NewManager(t.Context(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	d, err := m.Drivers().Lookup("helper")
	require.NoError(t, err)
	return m, d, state
}

func task(id string) *drivers.Task {
	return &drivers.Task{ID: id, Kind: drivers.KindBackup, BackupType: "datafile",
		Storage: &drivers.Storage{ClaimName: "c", MountPath: "/backupdata", Path: "ns/" + id}}
}

func lines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Count(string(data), "\n")
}

func pid(m *Manager) int { return m.Plugins()[0].PID }

func TestManagerServesNamedDrivers(t *testing.T) {
	state := t.TempDir()
	m, err := NewManager(t.Context(), ManagerOptions{Binaries: []Binary{helperBinary(t, "two", "two-drivers", state)}})
	require.NoError(t, err)
	defer func() { require.NoError(t, m.Close()) }()
	assert.Equal(t, []string{"helper-a", "helper-b"}, m.Drivers().Names())
	info := m.Plugins()
	require.Len(t, info, 1)
	assert.Equal(t, "test", info[0].Version)
	assert.Positive(t, info[0].PID)
	for _, name := range m.Drivers().Names() {
		d := m.Drivers()[name]
		c, err := d.Capabilities(t.Context())
		require.NoError(t, err)
		assert.True(t, c.Supports(drivers.KindBackup, "datafile"))
		require.NoError(t, d.Start(t.Context(), task("ok-"+name)))
		st, err := d.Status(t.Context(), "ok-"+name)
		require.NoError(t, err)
		assert.Equal(t, drivers.Succeeded, st.Phase)
		require.NoError(t, d.(interface{ Health(context.Context) error }).Health(t.Context()))
	}
	_, err = m.Drivers()["helper-a"].Status(t.Context(), "unknown")
	assert.True(t, drivers.IsNotFound(err), "%v", err)

	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "Close is idempotent")
	err = m.Drivers()["helper-a"].Start(t.Context(), task("after-close"))
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "a call after Close: %v", err)
	assert.Contains(t, err.Error(), "closed")
}

func TestManagerRejectsADriverServedTwice(t *testing.T) {
	state := t.TempDir()
	_, err := NewManager(t.Context(), ManagerOptions{Binaries: []Binary{
		helperBinary(t, "one", "serve", state), helperBinary(t, "two", "serve", state)}})
	require.Error(t, err)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), `driver "helper" is served by both plugin "one"`)
}

// TestBadPluginsFailClearly: binaries that are not plugins of this
// protocol make NewManager fail with FailedPrecondition and a message that
// says what is wrong; nothing is left running.
func TestBadPluginsFailClearly(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\necho 'usage: script [flags]'\nexit 0\n"), 0o755))
	sleeper := filepath.Join(dir, "sleeper")
	require.NoError(t, os.WriteFile(sleeper, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755))
	for _, tc := range []struct {
		name    string
		bin     Binary
		timeout time.Duration
		want    []string
	}{
		{"wrong protocol version", helperBinary(t, "old", "wrong-version", dir), 0,
			[]string{"protocol version", "Plugin version: 2"}},
		{"/bin/true is not a plugin", Binary{Name: "true", Path: "/bin/true"}, 0,
			[]string{"not a dataprotection driver plugin"}},
		{"a shell script is not a plugin", Binary{Name: "script", Path: script}, 0,
			[]string{"not a dataprotection driver plugin", "usage: script"}},
		{"a helper that prints something else", helperBinary(t, "chatty", "not-a-plugin", dir), 0,
			[]string{"not a dataprotection driver plugin"}},
		{"no handshake before the timeout", Binary{Name: "sleeper", Path: sleeper}, 500 * time.Millisecond,
			[]string{"no plugin handshake within 500ms"}},
		{"a plugin with invalid options", helperBinary(t, "invalid", "bad-options", dir), 0,
			[]string{"not a dataprotection driver plugin", "Not_Valid"}},
		{"a missing binary", Binary{Name: "missing", Path: filepath.Join(dir, "missing")}, 0,
			[]string{"missing"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := NewManager(t.Context(), ManagerOptions{Binaries: []Binary{tc.bin}, StartTimeout: tc.timeout})
			require.Error(t, err)
			assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
			assert.Contains(t, err.Error(), `plugin "`+tc.bin.Name+`"`)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, time.Since(start), 15*time.Second)
			t.Logf("error: %v", err)
		})
	}
}

// TestPanicBecomesInternalError: a panic in a driver method is an Internal
// error naming the driver, the method and the panic; the process serves on.
func TestPanicBecomesInternalError(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", nil)
	before := pid(m)
	err := d.Start(t.Context(), task("panic-1"))
	require.Error(t, err)
	assert.Equal(t, drivers.Internal, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), `driver "helper" panicked in Start: helper: boom in Start of panic-1`)

	_, err = d.Status(t.Context(), "panic-2")
	assert.Equal(t, drivers.Internal, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), "panicked in Status: runtime error: index out of range [99]")

	require.NoError(t, d.Start(t.Context(), task("ok-1")), "the process serves on")
	assert.Equal(t, before, pid(m), "no restart")
	assert.Zero(t, m.Plugins()[0].Restarts)
}

// TestHangPastTheDeadline: a driver that does not return by the call's
// deadline gives DeadlineExceeded at the deadline, whether it honours its
// context or not, and the process serves on.
func TestHangPastTheDeadline(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", nil)
	for _, id := range []string{"hang-ctx-1", "hang-1"} {
		t.Run(id, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := d.Start(ctx, task(id))
			require.Error(t, err)
			assert.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(err), "%v", err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 10*time.Second, "the call returned at its deadline, not when the driver did (never)")
		})
	}
	t.Run("a cancelled call", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		go func() { time.Sleep(100 * time.Millisecond); cancel() }()
		err := d.Start(ctx, task("hang-ctx-2"))
		assert.Equal(t, drivers.Canceled, drivers.ErrorCode(err), "%v", err)
		assert.ErrorIs(t, err, context.Canceled)
	})
	require.NoError(t, d.Start(t.Context(), task("ok-1")), "the process serves on")
	assert.Zero(t, m.Plugins()[0].Restarts)
}

// TestCrashDuringACallIsRetriedOnce: the process dies (SIGKILL) in the
// middle of Start; the Manager restarts it and retries the call once; the
// retried Start adopts the task, so its work ran once.
func TestCrashDuringACallIsRetriedOnce(t *testing.T) {
	m, d, state := newHelperManager(t, "serve", nil)
	first := pid(m)
	require.NoError(t, d.Start(t.Context(), task("crash-once-1")), "the call in flight is retried on a new process")
	assert.NotEqual(t, first, pid(m), "a new process")
	assert.Equal(t, 1, m.Plugins()[0].Restarts)
	assert.Equal(t, 1, lines(t, filepath.Join(state, "crash-once-1", "runs")), "the task's work ran once")
	st, err := d.Status(t.Context(), "crash-once-1")
	require.NoError(t, err)
	assert.Equal(t, drivers.Succeeded, st.Phase)
}

// TestCrashAgainAfterTheRetry: when the retried call kills the process
// again, the call fails with Unavailable and says so; it was made exactly
// twice.
func TestCrashAgainAfterTheRetry(t *testing.T) {
	m, d, state := newHelperManager(t, "serve", nil)
	err := d.Start(t.Context(), task("crash-always-1"))
	require.Error(t, err)
	assert.Equal(t, drivers.Unavailable, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), "died again during Start after a restart (the call was retried once)")
	assert.Contains(t, err.Error(), "signal: killed")
	assert.Equal(t, 2, lines(t, filepath.Join(state, "crash-always-1.attempts")), "one call and one retry")
	require.NoError(t, d.Start(t.Context(), task("ok-1")), "the next call restarts the process")
	assert.Equal(t, 2, m.Plugins()[0].Restarts)
}

// TestRestartRateIsBounded: past MaxRestarts within RestartWindow, calls
// fail with Unavailable and a clear message instead of restarting.
func TestRestartRateIsBounded(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", func(o *ManagerOptions) { o.MaxRestarts = 2; o.RestartWindow = time.Hour })
	for i := range 2 { // each call: crash, restart, crash again
		err := d.Start(t.Context(), task("crash-always-"+string(rune('a'+i))))
		require.Error(t, err)
		if i == 0 {
			assert.Contains(t, err.Error(), "retried once")
		}
	}
	err := d.Start(t.Context(), task("ok-1"))
	require.Error(t, err)
	assert.Equal(t, drivers.Unavailable, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), "was restarted 2 times within 1h0m0s and is not restarted again before")
	assert.Contains(t, err.Error(), "signal: killed", "the message says how the process last ended")
	assert.Equal(t, 2, m.Plugins()[0].Restarts)
	assert.Zero(t, pid(m), "no process runs")
}

// TestKilledMidTask: the plugin is killed (SIGKILL from outside) while its
// task works in its process. The next call restarts it and is retried; the
// new process reports the task Failed with a clear reason and does not run
// it again; the host carries on.
func TestKilledMidTask(t *testing.T) {
	m, d, state := newHelperManager(t, "serve", nil)
	require.NoError(t, d.Start(t.Context(), task("work-1")))
	st, err := d.Status(t.Context(), "work-1")
	require.NoError(t, err)
	require.Equal(t, drivers.Running, st.Phase)

	killed := pid(m)
	require.NoError(t, syscall.Kill(killed, syscall.SIGKILL))
	st, err = d.Status(t.Context(), "work-1")
	require.NoError(t, err, "Status after the kill: restarted and retried")
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Unavailable, st.ErrorCode)
	assert.Contains(t, st.Message, "interrupted: the plugin process")
	assert.NotEqual(t, killed, pid(m))
	assert.Equal(t, 1, m.Plugins()[0].Restarts)

	require.NoError(t, d.Start(t.Context(), task("work-1")), "Start again adopts, it does not run again")
	assert.Equal(t, 1, lines(t, filepath.Join(state, "work-1", "runs")), "the task's work ran once")
}

// TestUnhealthyProcessIsReplaced: a process that stops answering health
// checks (here: stopped with SIGSTOP) is killed, and the next call runs on
// a new process.
func TestUnhealthyProcessIsReplaced(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", func(o *ManagerOptions) {
		// A timeout a loaded machine meets: a stopped process never
		// answers, however long the check waits.
		o.HealthInterval, o.HealthTimeout, o.HealthFailures = 50*time.Millisecond, time.Second, 2
	})
	stopped := pid(m)
	require.Positive(t, stopped, "the process serves") // kill(0) would stop this test's own group
	require.NoError(t, syscall.Kill(stopped, syscall.SIGSTOP))
	require.Eventually(t, func() bool { return pid(m) == 0 }, 10*time.Second, 10*time.Millisecond,
		"the stopped process is taken out of service")
	require.NoError(t, d.Start(t.Context(), task("ok-1")))
	assert.NotEqual(t, stopped, pid(m))
	assert.Equal(t, 1, m.Plugins()[0].Restarts)
}
