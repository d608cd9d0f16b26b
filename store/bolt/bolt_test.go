package bolt_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/bolt"
	"github.com/dpsdk/dataprotection/store/storetest"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestConformance(t *testing.T) {
	storetest.RunConformanceTests(t, func(t *testing.T) store.Store {
		s, err := bolt.New(filepath.Join(t.TempDir(), "store.db"), bolt.Options{})
		require.NoError(t, err)
		return s
	})
}

func open(t *testing.T, path string) *bolt.Store {
	t.Helper()
	s, err := bolt.New(path, bolt.Options{})
	require.NoError(t, err)
	return s
}

func backup(name string, finalizers ...string) *v1alpha1.Backup {
	return &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Finalizers: finalizers},
		Spec:       v1alpha1.BackupSpec{BackupPolicyName: "policy"},
	}
}

func TestReopenKeepsObjectsResourceVersionsAndDeletionState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)

	kept, err := s.Backups().Create(ctx, backup("kept", v1alpha1.Finalizer))
	require.NoError(t, err)
	kept.Status.Phase = v1alpha1.BackupCompleted
	_, err = s.Backups().UpdateStatus(ctx, kept)
	require.NoError(t, err)
	require.NoError(t, s.Backups().Delete(ctx, "ns", "kept", ""))
	kept, err = s.Backups().Get(ctx, "ns", "kept")
	require.NoError(t, err)
	require.NotNil(t, kept.DeletionTimestamp)
	require.Equal(t, v1alpha1.BackupCompleted, kept.Status.Phase)
	_, err = s.Backups().Create(ctx, backup("gone"))
	require.NoError(t, err)
	require.NoError(t, s.Backups().Delete(ctx, "ns", "gone", ""))
	tool, err := s.BackupTools().Create(ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool"},
		Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{"true"}}})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = open(t, path)
	defer func() { require.NoError(t, s.Close()) }()
	got, err := s.Backups().Get(ctx, "ns", "kept")
	require.NoError(t, err)
	require.True(t, equality.Semantic.DeepEqual(kept, got), "after reopen:\n%+v\nwant\n%+v", got, kept)
	_, err = s.Backups().Get(ctx, "ns", "gone")
	require.True(t, apierrors.IsNotFound(err), "a deleted object stays deleted: %v", err)
	gotTool, err := s.BackupTools().Get(ctx, "", "tool")
	require.NoError(t, err)
	require.Equal(t, tool.UID, gotTool.UID)

	fresh, err := s.Backups().Create(ctx, backup("fresh"))
	require.NoError(t, err)
	assert.Greater(t, rv(t, fresh.ResourceVersion), rv(t, gotTool.ResourceVersion),
		"resourceVersions keep growing across a reopen")

	got.Finalizers = nil
	_, err = s.Backups().Update(ctx, got)
	require.NoError(t, err)
	_, err = s.Backups().Get(ctx, "ns", "kept")
	require.True(t, apierrors.IsNotFound(err), "removing the last finalizer after a reopen deletes: %v", err)
}

func TestSecondOpenOfAnOpenFileFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)

	start := time.Now()
	_, err := bolt.New(path, bolt.Options{Timeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, bolt.ErrLocked)
	assert.Contains(t, err.Error(), path)
	assert.Less(t, time.Since(start), 10*time.Second)

	require.NoError(t, s.Close())
	s = open(t, path)
	require.NoError(t, s.Close())
}

func TestOpenRefusesAnotherSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema"), []byte("99"))
	}))
	require.NoError(t, db.Close())

	_, err = bolt.New(path, bolt.Options{})
	require.ErrorContains(t, err, "schema version")
}

func TestOpenOfAMissingDirectoryFails(t *testing.T) {
	_, err := bolt.New(filepath.Join(t.TempDir(), "missing", "store.db"), bolt.Options{})
	require.Error(t, err)
}

func rv(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	require.NoError(t, err)
	return v
}
