package local_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers/local"
)

// Relative paths are relative to the host's working directory, not to a
// task's: a relative DataDir reaches tasks as an absolute DATA_DIR, and a
// relative Root and StateDir are made absolute by New (issue 16, item 1:
// `-dir ./dp` failed with "tar: dp/db: Cannot open").
func TestRelativePathsAreRelativeToTheHostsWorkingDirectory(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	t.Chdir(dir)

	target := local.Target{Name: "db-0", DataDir: filepath.Join("dp", "db")}.Resolved()
	assert.Equal(t, filepath.Join(dir, "dp", "db"), target.DataDir)
	assert.Equal(t, filepath.Join(dir, "dp", "db"), target.Env[local.EnvDataDir])
	absolute := local.Target{Name: "db-0", DataDir: "/srv/db", Env: map[string]string{local.EnvDataDir: "own"}}.Resolved()
	assert.Equal(t, "/srv/db", absolute.DataDir, "absolute paths are kept")
	assert.Equal(t, "own", absolute.Env[local.EnvDataDir], "the target's own DATA_DIR wins")

	d, err := local.New(local.Options{Root: filepath.Join("dp", "backups"), StateDir: "state"})
	require.NoError(t, err)
	defer d.Close()
	assert.Contains(t, d.String(), filepath.Join(dir, "dp", "backups"))
	for _, p := range []string{filepath.Join(dir, "dp", "backups"), filepath.Join(dir, "state")} {
		info, err := os.Stat(p)
		require.NoError(t, err)
		assert.True(t, info.IsDir(), p)
	}
}
