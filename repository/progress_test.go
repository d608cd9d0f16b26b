package repository_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/memory"
)

func TestProgressCountsLogicalBytesBothWays(t *testing.T) {
	ctx := t.Context()
	repo := repository.New(memory.New(), "mem://")
	dir := t.TempDir()
	data := strings.Repeat("row 1, 'text', 3.14\n", 50_000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dump.sql"), []byte(data), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "small"), []byte("x"), 0o600))
	var pushed, pulled atomic.Int64
	res, err := repo.PushDir(ctx, "ns/b", dir, &repository.WriteOptions{Progress: func(n int64) { pushed.Add(n) }})
	require.NoError(t, err)
	require.Equal(t, int64(len(data)+1), pushed.Load())
	require.Less(t, res.Manifest.StoredSize(), res.Manifest.LogicalSize(), "compressed")
	err = repo.PullDir(ctx, "ns/b", filepath.Join(t.TempDir(), "out"), &repository.ReadOptions{Progress: func(n int64) { pulled.Add(n) }})
	require.NoError(t, err)
	require.Equal(t, int64(len(data)+1), pulled.Load())
}
