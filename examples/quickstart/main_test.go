package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"

	"github.com/dpsdk/dataprotection/store/bolt"
)

// TestQuickstartRuns keeps the README's first command working.
func TestQuickstartRuns(t *testing.T) {
	require.NoError(t, run("", time.Minute))
}

// TestQuickstartRunsTwiceInARelativeDirectory runs the README's variant,
// `-dir ./dp`, twice in a row from the same working directory: both runs
// succeed, and each makes its own backup (issue 16, item 1).
func TestQuickstartRunsTwiceInARelativeDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	require.NoError(t, run("./dp", time.Minute), "first run")
	require.NoError(t, run("./dp", time.Minute), "second run")

	st, err := bolt.New(filepath.Join("dp", "dataprotection.db"), bolt.Options{})
	require.NoError(t, err)
	defer st.Close()
	backups, err := st.Backups().List(t.Context(), namespace, labels.Everything())
	require.NoError(t, err)
	require.Len(t, backups, 2, "one backup per run")
	assert.NotEqual(t, backups[0].Name, backups[1].Name)
	for _, b := range backups {
		assert.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Name)
	}
}
