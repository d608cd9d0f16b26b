package plugin

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"tar-gzip", "a", "pg.dump", "x1", "0"} {
		assert.NoError(t, ValidateName(ok), ok)
	}
	for _, bad := range []string{"", "Tar", "tar_gzip", "-a", "a-", ".a", "a b", "a/b", string(make([]byte, 64))} {
		assert.Error(t, ValidateName(bad), "%q", bad)
	}
}

func writeFile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"), mode))
}

func TestDiscover(t *testing.T) {
	t.Run("executables with valid names, sorted; everything else skipped", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "zeta"), 0o755)
		writeFile(t, filepath.Join(dir, "alpha"), 0o700)
		writeFile(t, filepath.Join(dir, "README.md"), 0o644)
		writeFile(t, filepath.Join(dir, ".hidden"), 0o755)
		require.NoError(t, os.Mkdir(filepath.Join(dir, "subdir"), 0o755))
		require.NoError(t, os.Symlink(filepath.Join(dir, "zeta"), filepath.Join(dir, "link")))
		require.NoError(t, os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")))
		bins, err := Discover(dir)
		require.NoError(t, err)
		assert.Equal(t, []Binary{{Name: "alpha", Path: filepath.Join(dir, "alpha")}, {Name: "link", Path: filepath.Join(dir, "link")},
			{Name: "zeta", Path: filepath.Join(dir, "zeta")}}, bins)
	})
	t.Run("an invalid name is rejected with every offender listed", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "Bad_Name"), 0o755)
		writeFile(t, filepath.Join(dir, "also bad"), 0o755)
		writeFile(t, filepath.Join(dir, "good"), 0o755)
		_, err := Discover(dir)
		require.Error(t, err)
		assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
		assert.Contains(t, err.Error(), "Bad_Name")
		assert.Contains(t, err.Error(), "also bad")
	})
	t.Run("a missing directory", func(t *testing.T) {
		_, err := Discover(filepath.Join(t.TempDir(), "none"))
		assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
	})
	t.Run("an empty directory has no plugins", func(t *testing.T) {
		bins, err := Discover(t.TempDir())
		require.NoError(t, err)
		assert.Empty(t, bins)
	})
}

func TestNewManagerRejectsBadBinaries(t *testing.T) {
	for name, bins := range map[string][]Binary{
		"invalid name":   {{Name: "Bad", Path: "/bin/true"}},
		"duplicate name": {{Name: "a", Path: "/bin/true"}, {Name: "a", Path: "/bin/false"}},
		"no path":        {{Name: "a"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewManager(t.Context(), ManagerOptions{Binaries: bins})
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
		})
	}
}
