package objstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// After any sequence of writes, ListBy returns exactly what List returns
// filtered by store.Matches.
func TestListByAgreesWithFilteredList(t *testing.T) {
	ctx := context.Background()
	s := memory.New(memory.Options{})
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	phases := []v1alpha1.BackupPhase{"", v1alpha1.BackupInProgress, v1alpha1.BackupCompleted}
	for range 2000 {
		name, ns := fmt.Sprintf("b%d", r.IntN(40)), fmt.Sprintf("ns%d", r.IntN(3))
		b, err := s.Backups().Get(ctx, ns, name)
		switch {
		case err != nil:
			in := backup(name)
			in.Namespace, in.Spec.BackupPolicyName = ns, fmt.Sprintf("p%d", r.IntN(3))
			_, err = s.Backups().Create(ctx, in)
		case r.IntN(4) == 0:
			err = s.Backups().Delete(ctx, ns, name, "")
		case r.IntN(2) == 0:
			b.Spec.BackupPolicyName = fmt.Sprintf("p%d", r.IntN(3))
			_, err = s.Backups().Update(ctx, b)
		default:
			b.Status.Phase = phases[r.IntN(len(phases))]
			_, err = s.Backups().UpdateStatus(ctx, b)
		}
		require.NoError(t, err)
		checkIndex(t, s, ns, store.IndexBackupPolicy, fmt.Sprintf("p%d", r.IntN(3)))
		checkIndex(t, s, "", store.IndexPhase, string(orNew(phases[r.IntN(len(phases))])))
	}
}

func orNew(p v1alpha1.BackupPhase) v1alpha1.BackupPhase {
	if p == "" {
		return v1alpha1.BackupNew
	}
	return p
}

func checkIndex(t *testing.T, s *memory.Store, ns string, idx store.Index, value string) {
	t.Helper()
	all, err := s.Backups().List(context.Background(), ns, nil)
	require.NoError(t, err)
	var want []string
	for _, b := range all {
		if store.Matches(idx, value, b) {
			want = append(want, b.Namespace+"/"+b.Name)
		}
	}
	got, err := s.Backups().ListBy(context.Background(), ns, idx, value)
	require.NoError(t, err)
	var names []string
	for _, b := range got {
		names = append(names, b.Namespace+"/"+b.Name)
	}
	require.Equal(t, want, names, "%s=%s in %q", idx, value, ns)
}
