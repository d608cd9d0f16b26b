package memory

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestAFailedTransactionWritesNothing(t *testing.T) {
	b := newBackend()
	k := objstore.BackupKind
	obj := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "b"}}
	boom := errors.New("boom")
	err := b.Update(func(tx objstore.Tx) error {
		_, err := tx.NextResourceVersion()
		require.NoError(t, err)
		require.NoError(t, tx.Put(k, "ns/b", obj))
		got, err := tx.Get(k, "ns/b")
		require.NoError(t, err)
		require.NotNil(t, got, "a transaction reads its own writes")
		list, err := tx.List(k, "ns/")
		require.NoError(t, err)
		require.Len(t, list, 1)
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, b.View(func(tx objstore.Tx) error {
		got, err := tx.Get(k, "ns/b")
		require.NoError(t, err)
		require.Nil(t, got)
		return nil
	}))
	require.Zero(t, b.rv, "the resourceVersion counter is not advanced")
}
