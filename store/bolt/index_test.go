package bolt_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The indexes live in memory: a reopened store builds them from the file on
// first use, then keeps them with each write.
func TestIndexesAreRebuiltFromTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)
	for _, name := range []string{"a", "b"} {
		_, err := s.Backups().Create(ctx, backup(name))
		require.NoError(t, err)
	}
	got, err := s.Backups().ListBy(ctx, "ns", store.IndexBackupPolicy, "policy")
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.NoError(t, s.Close())

	s = open(t, path)
	defer s.Close()
	b, err := s.Backups().Get(ctx, "ns", "a")
	require.NoError(t, err)
	b.Status.Phase = v1alpha1.BackupInProgress
	_, err = s.Backups().UpdateStatus(ctx, b)
	require.NoError(t, err, "a write before the index is built")
	running, err := s.Backups().ListBy(ctx, "", store.IndexPhase, string(v1alpha1.BackupInProgress))
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, []string{running[0].Name})
	_, err = s.Backups().Create(ctx, backup("c"))
	require.NoError(t, err, "a write after it")
	fresh, err := s.Backups().ListBy(ctx, "ns", store.IndexPhase, string(v1alpha1.BackupNew))
	require.NoError(t, err)
	assert.Len(t, fresh, 2)
}
