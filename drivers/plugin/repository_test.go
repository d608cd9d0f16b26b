package plugin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// waitTask polls d until the task is terminal.
func waitTask(t *testing.T, d drivers.Driver, id string) *drivers.TaskStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := d.Status(context.Background(), id)
		require.NoError(t, err)
		if st.Phase.IsTerminal() {
			return st
		}
		require.True(t, time.Now().Before(deadline), "task %s did not finish: %+v", id, st)
		time.Sleep(20 * time.Millisecond)
	}
}

// TestExamplePluginStagesDataThroughARepository runs the example plugin (a
// real subprocess) with tasks that carry a repository: the plugin's driver
// is built on drivers/local, which uploads the archive the plugin writes
// into BACKUP_DIR, encrypted, and downloads it before the plugin extracts
// it, with the identity from a file of the host's (IdentityFile). What the
// upload committed comes back over the wire.
func TestExamplePluginStagesDataThroughARepository(t *testing.T) {
	dir := t.TempDir()
	source, target := filepath.Join(dir, "source"), filepath.Join(dir, "target")
	require.NoError(t, os.MkdirAll(filepath.Join(source, "base"), 0o755))
	data := strings.Repeat("page of a table\n", 40_000)
	require.NoError(t, os.WriteFile(filepath.Join(source, "base", "16384"), []byte(data), 0o600))
	identity, recipient, err := repository.NewIdentity()
	require.NoError(t, err)
	idFile := filepath.Join(dir, "age.key")
	require.NoError(t, os.WriteFile(idFile, []byte("# the host's identity\n"+identity+"\n"), 0o600))
	repoDir := filepath.Join(dir, "repo")

	m, err := plugin.NewManager(context.Background(), plugin.ManagerOptions{Binaries: exampleBinaries(t),
		Env: exampleEnv(filepath.Join(dir, "root"), filepath.Join(dir, "state"))})
	require.NoError(t, err)
	defer m.Close()
	d, err := m.Drivers().Lookup(exampleName)
	require.NoError(t, err)
	caps, err := d.Capabilities(context.Background())
	require.NoError(t, err)
	require.True(t, caps.Repositories, "the plugin says it runs tasks with a repository")

	repo := &drivers.Repository{Name: "offsite", URL: "file://" + repoDir, Recipients: []string{recipient},
		Push: &drivers.Transfer{Key: "ns/tar/b1", Path: "ns/b1"}}
	backup := &drivers.Task{ID: "plugin-repo-b1", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Owner:   drivers.ObjectRef{Kind: "Backup", Namespace: "ns", Name: "b1"},
		Env:     []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/b1"}, {Name: "SOURCE_DIR", Value: source}},
		Storage: &drivers.Storage{MountPath: "/backupdata", Path: "ns/b1"}, Repository: repo,
		Steps: []drivers.Step{{Name: "checkpoint", Commands: []string{"sync"}}}}
	require.NoError(t, d.Start(context.Background(), backup))
	st := waitTask(t, d, backup.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	require.NotNil(t, st.Repository, "the upload's result crossed the wire")
	assert.Equal(t, "ns/tar/b1", st.Repository.Key)
	assert.Equal(t, 2, st.Repository.Objects, "backup.tar.gz and the plugin's manifest.json")

	backend, err := fs.Open(repoDir)
	require.NoError(t, err)
	stored := repository.New(backend, "file://"+repoDir)
	require.NoError(t, stored.Verify(context.Background(), "ns/tar/b1", &repository.ReadOptions{
		Identities: []string{identity}, ManifestSHA256: st.Repository.ManifestSHA256}))

	restore := &drivers.Task{ID: "plugin-repo-r1", Kind: drivers.KindRestore, BackupType: v1alpha1.BackupTypeDataFile,
		Owner:   drivers.ObjectRef{Kind: "RestoreJob", Namespace: "ns", Name: "r1"},
		Env:     []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/b1"}, {Name: "RESTORE_DIR", Value: target}},
		Storage: &drivers.Storage{MountPath: "/backupdata", Path: "ns/b1"},
		Repository: &drivers.Repository{Name: "offsite", URL: "file://" + repoDir,
			Env:  []corev1.EnvVar{{Name: drivers.EnvRepositoryIdentityFile, Value: idFile}},
			Pull: []drivers.Transfer{{Key: "ns/tar/b1", Path: "ns/b1", ManifestSHA256: st.Repository.ManifestSHA256}}},
		Steps: []drivers.Step{{Name: "done", Commands: []string{"true"}}}}
	require.NoError(t, d.Start(context.Background(), restore))
	st = waitTask(t, d, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	got, err := os.ReadFile(filepath.Join(target, "base", "16384"))
	require.NoError(t, err)
	assert.Equal(t, data, string(got), "extracted from the downloaded archive")
}
