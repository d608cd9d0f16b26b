package executor_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiequality "k8s.io/apimachinery/pkg/api/equality"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// sharedReads records every object a ListByShared returned, with a copy
// taken at the time, to check later that nobody modified it.
type sharedReads struct {
	mu   sync.Mutex
	seen []sharedRead
}

type sharedRead struct{ obj, was store.Object }

func (s *sharedReads) record(objs []store.Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range objs {
		s.seen = append(s.seen, sharedRead{obj: o, was: o.DeepCopyObject().(store.Object)})
	}
}

type sharingStore struct {
	store.Store
	reads *sharedReads
}

func (s sharingStore) Backups() store.Resource[*v1alpha1.Backup] {
	return sharingResource[*v1alpha1.Backup]{s.Store.Backups(), s.reads}
}

type sharingResource[T store.Object] struct {
	store.Resource[T]
	reads *sharedReads
}

func (r sharingResource[T]) ListByShared(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	objs, err := r.Resource.(store.SharedLister[T]).ListByShared(ctx, namespace, idx, value)
	generic := make([]store.Object, len(objs))
	for i, o := range objs {
		generic[i] = o
	}
	r.reads.record(generic)
	return objs, err
}

// The executor reads a policy's Backups without copies (the memory store
// shares its objects): schedules, retention with failures and deletions,
// and admission under limits must leave every shared object as it was.
func TestTheExecutorNeverModifiesSharedObjects(t *testing.T) {
	fail := map[string]bool{}
	h := newHarness(t, failing(fail))
	reads := &sharedReads{}
	cfg := h.config()
	cfg.Store = sharingStore{Store: h.store, reads: reads}
	cfg.BackupLimits.Total = 1
	h.ex = newEngine(cfg)
	h.runHours(fail, 6, func(hour int) bool { return hour%2 == 0 })
	h.reconcilePolicy()

	require.NotEmpty(t, reads.seen, "the executor lists a policy's Backups through ListByShared")
	for _, r := range reads.seen {
		assert.True(t, apiequality.Semantic.DeepEqual(r.was, r.obj), "shared %s/%s was modified", r.obj.GetNamespace(), r.obj.GetName())
	}
}
