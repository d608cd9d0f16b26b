package tardriver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	"github.com/dpsdk/dataprotection/examples/plugin/tardriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestMain lets the test binary be the plugin binary in tool mode: the
// archive and extract steps the driver adds run it as their executable.
func TestMain(m *testing.M) {
	if tardriver.IsTool(os.Args[1:]) {
		os.Exit(tardriver.RunTool(os.Args[1:], os.Stderr))
	}
	os.Exit(m.Run())
}

func newDriver(t testing.TB, root, state string) *tardriver.Driver {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	d, err := tardriver.New(tardriver.Options{Local: local.Options{Root: root, StateDir: state}, Exe: exe})
	require.NoError(t, err)
	return d
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o640))
	}
}

func TestArchiveExtractRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src, dst, target := filepath.Join(dir, "src"), filepath.Join(dir, "backup"), filepath.Join(dir, "target")
	files := map[string]string{"a.txt": "alpha", "sub/b.bin": strings.Repeat("b", 1<<20), "sub/deeper/c": "", "z": "zeta"}
	writeTree(t, src, files)
	require.NoError(t, os.Symlink("a.txt", filepath.Join(src, "link")))
	require.NoError(t, os.Mkdir(filepath.Join(src, "empty"), 0o750))

	m, err := tardriver.Archive(t.Context(), src, dst)
	require.NoError(t, err)
	assert.Equal(t, []string{"link"}, m.Skipped, "symbolic links are listed, not archived")
	assert.Equal(t, int64(1<<20+len("alpha")+len("zeta")), m.TotalBytes)
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"a.txt", "empty", "sub", "sub/b.bin", "sub/deeper", "sub/deeper/c", "z"}, paths, "lexical order")
	data, err := os.ReadFile(filepath.Join(dst, tardriver.ManifestName))
	require.NoError(t, err)
	var onDisk tardriver.Manifest
	require.NoError(t, json.Unmarshal(data, &onDisk))
	assert.Equal(t, *m, onDisk)

	writeTree(t, target, map[string]string{"a.txt": "old content to replace"})
	_, err = tardriver.Extract(t.Context(), dst, target)
	require.NoError(t, err)
	for name, content := range files {
		got, err := os.ReadFile(filepath.Join(target, filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.Equal(t, content, string(got), name)
	}
	fi, err := os.Stat(filepath.Join(target, "sub", "b.bin"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
	assert.DirExists(t, filepath.Join(target, "empty"))
}

func TestExtractDetectsCorruption(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "backup")
	writeTree(t, src, map[string]string{"a": "alpha", "b": "beta"})
	_, err := tardriver.Archive(t.Context(), src, dst)
	require.NoError(t, err)
	manifest := filepath.Join(dst, tardriver.ManifestName)
	orig, err := os.ReadFile(manifest)
	require.NoError(t, err)

	t.Run("a changed archive", func(t *testing.T) {
		archive := filepath.Join(dst, tardriver.ArchiveName)
		data, err := os.ReadFile(archive)
		require.NoError(t, err)
		bad := bytes.Clone(data)
		bad[len(bad)/2] ^= 0xff
		require.NoError(t, os.WriteFile(archive, bad, 0o644))
		defer func() { require.NoError(t, os.WriteFile(archive, data, 0o644)) }()
		_, err = tardriver.Extract(t.Context(), dst, filepath.Join(dir, "t1"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the backup is corrupt")
	})
	t.Run("a file whose checksum differs from the manifest", func(t *testing.T) {
		var m tardriver.Manifest
		require.NoError(t, json.Unmarshal(orig, &m))
		m.Files[0].SHA256 = strings.Repeat("0", 64)
		data, err := json.Marshal(m)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(manifest, data, 0o644))
		defer func() { require.NoError(t, os.WriteFile(manifest, orig, 0o644)) }()
		target := filepath.Join(dir, "t2")
		_, err = tardriver.Extract(t.Context(), dst, target)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the manifest says")
		assert.NoFileExists(t, filepath.Join(target, m.Files[0].Path), "a file that does not match is removed")
	})
	t.Run("a backup directory inside the source", func(t *testing.T) {
		_, err := tardriver.Archive(t.Context(), src, filepath.Join(src, "backup"))
		assert.ErrorContains(t, err, "inside the source directory")
	})
}

// task returns a datafile task on the claim "backups" of root.
func task(id string, kind drivers.TaskKind, dir string, env []corev1.EnvVar, steps ...drivers.Step) *drivers.Task {
	t := &drivers.Task{ID: id, Kind: kind, BackupType: v1alpha1.BackupTypeDataFile, Steps: steps,
		Env:     append([]corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/demo/" + dir}}, env...),
		Storage: &drivers.Storage{ClaimName: "backups", MountPath: "/backupdata", Path: "demo/" + dir}}
	if kind == drivers.KindBackup {
		t.Storage.Create = &drivers.ClaimTemplate{Capacity: resource.MustParse("1Gi")}
	}
	return t
}

func wait(t *testing.T, d drivers.Driver, id string) *drivers.TaskStatus {
	t.Helper()
	var st *drivers.TaskStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = d.Status(t.Context(), id)
		require.NoError(t, err)
		return st.Phase.IsTerminal()
	}, time.Minute, 5*time.Millisecond)
	return st
}

// TestBackupAndRestoreThroughThePlugin backs up a target's data directory
// (DATA_DIR, as a local target gives it) and restores it elsewhere, through
// the plugin protocol in this process.
func TestBackupAndRestoreThroughThePlugin(t *testing.T) {
	dir := t.TempDir()
	root, data := filepath.Join(dir, "root"), filepath.Join(dir, "pgdata")
	files := map[string]string{"PG_VERSION": "17\n", "base/1/1259": strings.Repeat("p", 64<<10)}
	writeTree(t, data, files)
	d := plugin.TestDriver(t, newDriver(t, root, filepath.Join(dir, "state")))
	ctx := context.Background()

	backup := task("b1", drivers.KindBackup, "b1", []corev1.EnvVar{{Name: "DATA_DIR", Value: data}},
		drivers.Step{Name: "checkpoint", Commands: []string{`echo checkpoint`}})
	require.NoError(t, d.Start(ctx, backup))
	st := wait(t, d, backup.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%s: %s", st.Message, st.LogTail)
	require.Len(t, st.Artifacts, 2)
	assert.Equal(t, tardriver.ArchiveName, st.Artifacts[0].Path)
	assert.Equal(t, tardriver.ManifestName, st.Artifacts[1].Path)
	assert.Contains(t, st.LogTail, "4 entries, 65539 bytes of files")

	target := filepath.Join(dir, "restored")
	restore := task("r1", drivers.KindRestore, "b1", []corev1.EnvVar{{Name: "RESTORE_DIR", Value: target}})
	require.NoError(t, d.Start(ctx, restore))
	st = wait(t, d, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%s: %s", st.Message, st.LogTail)
	for name, content := range files {
		got, err := os.ReadFile(filepath.Join(target, filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.Equal(t, content, string(got), name)
	}

	del := task("d1", drivers.KindDeleteArtifacts, "b1", nil)
	require.NoError(t, d.Start(ctx, del))
	require.Equal(t, drivers.Succeeded, wait(t, d, del.ID).Phase)
	assert.NoDirExists(t, filepath.Join(root, "backups", "demo", "b1"))
}

func TestRestoreOfACorruptBackupFails(t *testing.T) {
	dir := t.TempDir()
	root, data := filepath.Join(dir, "root"), filepath.Join(dir, "pgdata")
	writeTree(t, data, map[string]string{"f": "content"})
	d := newDriver(t, root, filepath.Join(dir, "state"))
	defer func() { _ = d.Close() }()
	backup := task("b1", drivers.KindBackup, "b1", []corev1.EnvVar{{Name: "SOURCE_DIR", Value: data}})
	require.NoError(t, d.Start(t.Context(), backup))
	require.Equal(t, drivers.Succeeded, wait(t, d, backup.ID).Phase)
	archive := filepath.Join(root, "backups", "demo", "b1", tardriver.ArchiveName)
	require.NoError(t, os.WriteFile(archive, []byte("not gzip"), 0o644))

	restore := task("r1", drivers.KindRestore, "b1", []corev1.EnvVar{{Name: "RESTORE_DIR", Value: filepath.Join(dir, "t")}},
		drivers.Step{Name: "after", Commands: []string{`echo never > "$RESTORE_DIR/never"`}})
	require.NoError(t, d.Start(t.Context(), restore))
	st := wait(t, d, restore.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Contains(t, st.LogTail, "the backup is corrupt")
	assert.NoFileExists(t, filepath.Join(dir, "t", "never"), "the tool's commands do not run after a failed extraction")
}

// TestConformance runs the drivertest suite against the driver directly
// (drivers/plugin runs it through the plugin protocol, in this process and
// as a subprocess).
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(_ context.Context, t testing.TB) (drivertest.Harness, error) {
		dir := t.TempDir()
		return &harness{t: t, root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}, nil
	})
}

type harness struct {
	t           testing.TB
	root, state string
	d           *tardriver.Driver
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	h.d = newDriver(h.t, h.root, h.state)
	return h.d, nil
}

func (h *harness) RestartDriver(ctx context.Context) (drivers.Driver, error) {
	h.Close()
	return h.MakeDriver(ctx)
}

func (h *harness) PrepareTask(context.Context, *drivers.Task, drivertest.Behaviour) error { return nil }

func (h *harness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, claim, filepath.FromSlash(name)))
}

func (h *harness) Close() {
	if h.d != nil {
		_ = h.d.Close()
	}
}
