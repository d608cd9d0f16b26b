package plugin_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	"github.com/dpsdk/dataprotection/examples/plugin/tardriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// exampleTask returns a datafile task of the example plugin on the claim
// "backups" (BACKUP_DIR /backupdata/demo/<dir>).
func exampleTask(id string, kind drivers.TaskKind, dir string, env []corev1.EnvVar, steps ...drivers.Step) *drivers.Task {
	t := &drivers.Task{ID: id, Kind: kind, BackupType: v1alpha1.BackupTypeDataFile, Steps: steps,
		Env:     append([]corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/demo/" + dir}}, env...),
		Storage: &drivers.Storage{ClaimName: "backups", MountPath: "/backupdata", Path: "demo/" + dir}}
	if kind == drivers.KindBackup {
		t.Storage.Create = &drivers.ClaimTemplate{Capacity: resource.MustParse("1Gi")}
	}
	return t
}

func waitPhase(t *testing.T, d drivers.Driver, id string, done func(drivers.Phase) bool) *drivers.TaskStatus {
	t.Helper()
	var st *drivers.TaskStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = d.Status(t.Context(), id)
		require.NoError(t, err)
		return done(st.Phase)
	}, time.Minute, 5*time.Millisecond, "task %s", id)
	return st
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o640))
	}
}

// TestExamplePluginKilledMidTask kills the real example plugin (SIGKILL)
// while its backup runs. The host goes on; the next call restarts the
// plugin and is retried; the new process adopts the running task (its
// commands run under a supervisor that outlives the plugin) instead of
// running it again; the backup completes, with its archive, and restores.
func TestExamplePluginKilledMidTask(t *testing.T) {
	dir := t.TempDir()
	root, state, src := filepath.Join(dir, "root"), filepath.Join(dir, "state"), filepath.Join(dir, "pgdata")
	files := map[string]string{"PG_VERSION": "17\n", "base/1/1259": strings.Repeat("x", 300<<10), "global/pg_control": "ctl"}
	writeTree(t, src, files)
	m, err := plugin.NewManager(t.Context(), plugin.ManagerOptions{Binaries: exampleBinaries(t), Env: exampleEnv(root, state)})
	require.NoError(t, err)
	defer func() { require.NoError(t, m.Close()) }()
	d := m.Drivers()[exampleName]
	backupDir := filepath.Join(root, "backups", "demo", "b1")

	backup := exampleTask("b1", drivers.KindBackup, "b1", []corev1.EnvVar{{Name: "SOURCE_DIR", Value: src}},
		drivers.Step{Name: "gated", Commands: []string{`mkdir -p "$BACKUP_DIR"`, `echo run >> "$BACKUP_DIR/runs"`,
			`while [ ! -e "$BACKUP_DIR/gate" ]; do sleep 0.02; done`}})
	require.NoError(t, d.Start(t.Context(), backup))
	require.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(backupDir, "runs")); return err == nil },
		time.Minute, 5*time.Millisecond, "the task runs")

	killed := m.Plugins()[0].PID
	require.NoError(t, syscall.Kill(killed, syscall.SIGKILL))
	st, err := d.Status(t.Context(), backup.ID)
	require.NoError(t, err, "the call after the kill restarts the plugin and is retried")
	assert.Equal(t, drivers.Running, st.Phase, "the new process adopted the running task")
	assert.NotEqual(t, killed, m.Plugins()[0].PID)
	assert.Equal(t, 1, m.Plugins()[0].Restarts)
	require.NoError(t, d.Start(t.Context(), backup), "Start again adopts")

	require.NoError(t, os.WriteFile(filepath.Join(backupDir, "gate"), nil, 0o644))
	st = waitPhase(t, d, backup.ID, drivers.Phase.IsTerminal)
	require.Equal(t, drivers.Succeeded, st.Phase, "%s: %s", st.Message, st.LogTail)
	runs, err := os.ReadFile(filepath.Join(backupDir, "runs"))
	require.NoError(t, err)
	assert.Equal(t, "run\n", string(runs), "the backup's commands ran once")
	var names []string
	for _, a := range st.Artifacts {
		names = append(names, a.Path)
		assert.True(t, strings.HasPrefix(a.Checksum, "sha256:"), a.Checksum)
	}
	assert.Equal(t, []string{tardriver.ArchiveName, "gate", tardriver.ManifestName, "runs"}, names)
	assert.Contains(t, st.LogTail, "tar-gzip archive: ")

	target := filepath.Join(dir, "restored")
	restore := exampleTask("r1", drivers.KindRestore, "b1", []corev1.EnvVar{{Name: "RESTORE_DIR", Value: target}})
	require.NoError(t, d.Start(t.Context(), restore))
	st = waitPhase(t, d, restore.ID, drivers.Phase.IsTerminal)
	require.Equal(t, drivers.Succeeded, st.Phase, "%s: %s", st.Message, st.LogTail)
	assert.Contains(t, st.LogTail, "every checksum verified")
	for name, content := range files {
		got, err := os.ReadFile(filepath.Join(target, filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.Equal(t, content, string(got), name)
	}
}

// TestExamplePluginRunByHand: started without a host, the plugin says what
// it is and exits with status 1.
func TestExamplePluginRunByHand(t *testing.T) {
	cmd := exampleCommand(t)
	cmd.Env = append(os.Environ(), "TARDRIVER_ROOT="+t.TempDir())
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "This binary is a plugin")
}

// BenchmarkStartStatusRoundTrip measures one Start (of a known task, which
// the driver adopts) and one Status through the example plugin as a real
// subprocess, through the protocol in this process, and calling the driver
// directly, and reports microseconds per call.
func BenchmarkStartStatusRoundTrip(b *testing.B) {
	for _, mode := range []string{"subprocess", "in-process", "direct"} {
		b.Run(mode, func(b *testing.B) {
			dir := b.TempDir()
			d := benchDriver(b, mode, filepath.Join(dir, "root"), filepath.Join(dir, "state"))
			ctx := context.Background()
			task := exampleTask("bench", drivers.KindBackup, "bench", nil, drivers.Step{Name: "s", Commands: []string{"true"}})
			require.NoError(b, d.Start(ctx, task))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				if err := d.Start(ctx, task); err != nil {
					b.Fatal(err)
				}
				if _, err := d.Status(ctx, task.ID); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/float64(2*b.N), "µs/call")
		})
	}
}

func benchDriver(b *testing.B, mode, root, state string) drivers.Driver {
	switch mode {
	case "subprocess":
		m, err := plugin.NewManager(context.Background(), plugin.ManagerOptions{Binaries: exampleBinaries(b), Env: exampleEnv(root, state)})
		require.NoError(b, err)
		b.Cleanup(func() { _ = m.Close() })
		return m.Drivers()[exampleName]
	}
	d, err := tardriver.New(tardriver.Options{Local: local.Options{Root: root, StateDir: state}})
	require.NoError(b, err)
	b.Cleanup(func() { _ = d.Close() })
	if mode == "direct" {
		return d
	}
	return plugin.TestDriver(b, d)
}

func exampleCommand(t *testing.T) *exec.Cmd {
	t.Helper()
	return exec.Command(filepath.Join(plugin.ExampleBinaryDir, exampleName))
}
