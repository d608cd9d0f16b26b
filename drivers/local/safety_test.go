package local_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestPathsThatEscapeTheRootAreRejected(t *testing.T) {
	f := newFixture(t)
	cases := map[string]func(*drivers.Task){
		"dot-dot path":         func(t *drivers.Task) { t.Storage.Path = "ns/../../outside" },
		"absolute path":        func(t *drivers.Task) { t.Storage.Path = "/etc" },
		"dot-dot claim":        func(t *drivers.Task) { t.Storage.ClaimName = ".." },
		"claim with a slash":   func(t *drivers.Task) { t.Storage.ClaimName = "a/b" },
		"ID with a slash":      func(t *drivers.Task) { t.ID = "a/b" },
		"ID dot-dot":           func(t *drivers.Task) { t.ID = ".." },
		"reserved variable":    func(t *drivers.Task) { t.Env = append(t.Env, env("__DP_STATE", "/")) },
		"variable with an '='": func(t *drivers.Task) { t.Env = append(t.Env, env("A=B", "x")) },
		"no commands":          func(t *drivers.Task) { t.Steps = nil },
		"no storage":           func(t *drivers.Task) { t.Storage = nil },
		"fieldRef source": func(t *drivers.Task) {
			v := secretEnv("X", "s", "k")
			v.ValueFrom.SecretKeyRef, v.ValueFrom.FieldRef = nil, nil
			t.Env = append(t.Env, v)
		},
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			task := f.task("escape", `echo x`)
			mut(task)
			err := f.d.Start(f.ctx, task)
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
		})
	}
	entries, err := os.ReadDir(f.state)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing was accepted")
}

// outside makes a directory outside the root, with a file in it.
func (f *fixture) outside() string {
	dir := filepath.Join(filepath.Dir(f.root), "outside")
	require.NoError(f.t, os.MkdirAll(dir, 0o755))
	require.NoError(f.t, os.WriteFile(filepath.Join(dir, "precious"), []byte("x"), 0o600))
	return dir
}

func TestSymlinksOutOfTheRootAreNotFollowed(t *testing.T) {
	f := newFixture(t)
	out := f.outside()
	require.NoError(t, os.MkdirAll(filepath.Join(f.root, "c"), 0o755))
	require.NoError(t, os.Symlink(out, filepath.Join(f.root, "c", "ns")))

	backup := f.task("via-link", `echo data > "$BACKUP_DIR/file"`)
	err := f.d.Start(f.ctx, backup)
	require.Error(t, err, "a backup directory behind a symlink")
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
	assert.NoFileExists(t, filepath.Join(out, "via-link", "file"))

	del := f.task("delete-via-link")
	del.Kind, del.Steps, del.Storage.Path = drivers.KindDeleteArtifacts, nil, "ns/precious"
	err = f.d.Start(f.ctx, del)
	require.Error(t, err, "a deletion behind a symlink")
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
	assert.FileExists(t, filepath.Join(out, "precious"))

	restore := f.task("restore-via-link", `cat "$BACKUP_DIR/precious"`)
	restore.Kind, restore.Storage.Path = drivers.KindRestore, "ns"
	err = f.d.Start(f.ctx, restore)
	require.Error(t, err, "a restore from behind a symlink")
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
}

func TestABackupDirectoryReplacedByASymlinkIsNotMeasured(t *testing.T) {
	f := newFixture(t)
	out := f.outside()
	task := f.task("swapped", `cd / && rm -rf "$BACKUP_DIR" && ln -s "$OUTSIDE" "$BACKUP_DIR"`)
	task.Env = append(task.Env, env("OUTSIDE", out))
	f.start(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase, "%+v", st)
	assert.Contains(t, st.Message, "symbolic link")
	assert.Empty(t, st.Artifacts, "nothing outside the root is reported")
}

func TestDeleteArtifactsRemovesOnlyTheBackupDirectory(t *testing.T) {
	f := newFixture(t)
	out := f.outside()
	backup := f.task("b1", `echo data > "$BACKUP_DIR/file"`, `ln -s "$OUTSIDE" "$BACKUP_DIR/outside-link"`)
	backup.Env = append(backup.Env, env("OUTSIDE", out))
	f.start(backup)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, backup.ID).Phase)
	sibling := filepath.Join(f.root, "c", "ns", "b10")
	require.NoError(t, os.MkdirAll(sibling, 0o755))

	del := f.task("delete-b1")
	del.Kind, del.Steps, del.Storage.Path = drivers.KindDeleteArtifacts, nil, "ns/b1"
	f.start(del)
	st := wait(t, f.d, del.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.NoDirExists(t, f.dir("b1"))
	assert.DirExists(t, sibling, "other backups stay")
	assert.DirExists(t, filepath.Join(f.root, "c", "ns"))
	assert.FileExists(t, filepath.Join(out, "precious"), "the link was removed, not followed")

	claimRoot := f.task("delete-claim")
	claimRoot.Kind, claimRoot.Steps, claimRoot.Storage.Path = drivers.KindDeleteArtifacts, nil, ""
	err := f.d.Start(f.ctx, claimRoot)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "a deletion of the whole claim: %v", err)
}

func TestMissingClaimsAndBackupDirectories(t *testing.T) {
	f := newFixture(t)
	never := f.task("never-create", `echo x`)
	never.Storage.Create = nil
	err := f.d.Start(f.ctx, never)
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "createPolicy Never and no claim: %v", err)
	assert.Contains(t, err.Error(), `claim "c" does not exist`)

	restore := f.task("restore-missing", `echo x`)
	restore.Kind, restore.Storage.Path = drivers.KindRestore, "ns/gone"
	require.NoError(t, os.MkdirAll(filepath.Join(f.root, "c"), 0o755))
	err = f.d.Start(f.ctx, restore)
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "restore of a missing backup: %v", err)

	snap := f.task("snap", `echo x`)
	snap.BackupType, snap.Snapshot = "snapshot", &drivers.SnapshotSpec{Name: "snap"}
	err = f.d.Start(f.ctx, snap)
	assert.Equal(t, drivers.Unimplemented, drivers.ErrorCode(err), "%v", err)
}
