package fs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
)

func openBackend(t *testing.T) (*fs.Backend, string) {
	dir := filepath.Join(t.TempDir(), "repo")
	b, err := fs.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b, dir
}

func TestBackendChecksKeysItself(t *testing.T) {
	b, _ := openBackend(t)
	ctx := context.Background()
	for _, key := range []string{"../outside", "/etc/passwd", "a/../../b", `a\b`, ".dp-tmp-x", "a/.dp-tmp-y/z"} {
		err := b.Put(ctx, key, strings.NewReader("x"))
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "put %q: %v", key, err)
		_, err = b.Get(ctx, key)
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "get %q: %v", key, err)
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(b.Delete(ctx, key)), "delete %q", key)
	}
}

func TestSymlinksDoNotEscapeTheRoot(t *testing.T) {
	b, dir := openBackend(t)
	ctx := context.Background()
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("outside"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "link")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "file")))

	_, err := b.Get(ctx, "link/secret")
	require.Error(t, err, "read through a symlink to a directory outside")
	_, err = b.Get(ctx, "file")
	require.Error(t, err, "read through a symlink to a file outside")
	require.Error(t, b.Put(ctx, "link/new", strings.NewReader("x")), "write through a symlink")
	_, err = os.Stat(filepath.Join(outside, "new"))
	require.True(t, os.IsNotExist(err), "nothing was written outside the root")
	page, err := b.List(ctx, repository.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Objects, "symlinks are not objects")
}

func TestObjectsArePrivateAndAFileCannotBeADirectory(t *testing.T) {
	b, dir := openBackend(t)
	ctx := context.Background()
	require.NoError(t, b.Put(ctx, "a/b", strings.NewReader("x")))
	fi, err := os.Stat(filepath.Join(dir, "a", "b"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	err = b.Put(ctx, "a/b/c", strings.NewReader("y"))
	require.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
	_, err = b.Get(ctx, "a")
	require.True(t, drivers.IsNotFound(err), "a directory is not an object: %v", err)
	require.NoError(t, b.Delete(ctx, "a/b"))
	_, err = os.Stat(filepath.Join(dir, "a"))
	require.True(t, os.IsNotExist(err), "delete prunes empty directories")
}
