package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/store/bolt"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestOffsiteRuns keeps the README's command working.
func TestOffsiteRuns(t *testing.T) {
	require.NoError(t, run("", time.Minute))
}

// TestOffsiteRunsTwiceInARelativeDirectory runs `-dir ./dp` twice: the
// second run reuses the identity, and both backups are in the repository,
// encrypted and compressed, and were restored from it.
func TestOffsiteRunsTwiceInARelativeDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	require.NoError(t, run("./dp", time.Minute), "first run")
	require.NoError(t, run("./dp", time.Minute), "second run")

	st, err := bolt.New(filepath.Join("dp", "dataprotection.db"), bolt.Options{})
	require.NoError(t, err)
	defer st.Close()
	backups, err := st.Backups().List(t.Context(), namespace, labels.Everything())
	require.NoError(t, err)
	require.Len(t, backups, 2, "one backup per run")
	backend, err := fs.Open(filepath.Join("dp", "repository"))
	require.NoError(t, err)
	repo := repository.New(backend, repoName)
	defer repo.Close()
	identity, _, err := loadOrCreateIdentity(filepath.Join("dp", "age-identity.txt"))
	require.NoError(t, err)
	for _, b := range backups {
		assert.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Name)
		assert.Equal(t, repoName, b.Annotations[v1alpha1.AnnotationRepository], b.Name)
		stored, err := repo.OpenBackup(t.Context(), policy.RepositoryKey(b), &repository.ReadOptions{Identities: []string{identity}})
		require.NoError(t, err, "the first run's identity reads every run's backup")
		assert.True(t, stored.Manifest().Encrypted(), b.Name)
		assert.Less(t, stored.Manifest().StoredSize(), stored.Manifest().LogicalSize(), "%s is compressed", b.Name)
	}
	restores, err := st.RestoreJobs().List(t.Context(), namespace, labels.Everything())
	require.NoError(t, err)
	require.Len(t, restores, 2)
	for _, r := range restores {
		assert.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Name)
	}
}
