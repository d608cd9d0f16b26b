package adversarial_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/store/bolt"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Class 5, a corrupt embedded store: one of the tenant's Backup records
// does not decode, and a copy of the file is cut to its meta pages. Bound: the
// engine goes on over the damaged store (a new Backup completes, the
// corrupt record is reported, never a panic), and opening the cut file is
// an error wrapping bolt.ErrCorrupt. (The five damaged-file variants, an
// empty file and the corrupt record: store/bolt corrupt_test.go.)
func TestClass05ACorruptStoreIsAnErrorNeverAPanic(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dataprotection.db")
	st, err := bolt.New(path, bolt.Options{NoSync: true})
	require.NoError(t, err)
	for _, name := range []string{"old", "broken"} {
		_, err := st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: name},
			Spec: v1alpha1.BackupSpec{BackupPolicyName: "p"}})
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("backups")).Put([]byte("tenant/broken"), []byte(`{"kind":"Backup","metadata":`))
	}))
	require.NoError(t, db.Close())
	cut := filepath.Join(t.TempDir(), "cut.db")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cut, data[:2*os.Getpagesize()], 0o600)) // its meta pages only

	var mu sync.Mutex
	var reported []error
	w := newWorld(t, worldOptions{db: path, onCorrupt: func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() },
		targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
	w.tool("tool", "true")
	w.policy("tenant", "p", "tool")
	b := w.backup("tenant", "new", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	mu.Lock()
	require.NotEmpty(t, reported, "the corrupt record is reported")
	assert.ErrorIs(t, reported[0], bolt.ErrCorrupt)
	mu.Unlock()

	_, err = bolt.New(cut, bolt.Options{Timeout: time.Second})
	require.Error(t, err)
	assert.ErrorIs(t, err, bolt.ErrCorrupt)
}
