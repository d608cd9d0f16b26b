package job

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// frozenInformer is a host's informer that has synced and then sees
// nothing: its cache holds what the test puts there.
type frozenInformer struct{ indexer cache.Indexer }

func newFrozenInformer() *frozenInformer {
	return &frozenInformer{indexer: cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})}
}

func (f *frozenInformer) AddEventHandler(cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error) {
	return syncedRegistration{}, nil
}
func (f *frozenInformer) RemoveEventHandler(cache.ResourceEventHandlerRegistration) error { return nil }
func (f *frozenInformer) AddIndexers(i cache.Indexers) error                              { return f.indexer.AddIndexers(i) }
func (f *frozenInformer) GetIndexer() cache.Indexer                                       { return f.indexer }

type syncedRegistration struct{}

func (syncedRegistration) HasSynced() bool                     { return true }
func (syncedRegistration) HasSyncedChecker() cache.DoneChecker { return doneChecker{} }

type doneChecker struct{}

func (doneChecker) Name() string { return "frozen" }
func (doneChecker) Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

func TestStatusReadsTheDriversOwnWritesBeforeItsInformerSeesThem(t *testing.T) {
	jobs, pods := newFrozenInformer(), newFrozenInformer()
	w := newWorld(t, Options{Informers: &Informers{Jobs: jobs, Pods: pods}})
	task := backupTask(w.ns, w.id("own"))
	require.NoError(t, w.d.Start(w.ctx, task))

	st, err := w.d.Status(w.ctx, task.ID)
	require.NoError(t, err, "a Job the driver created is not lost while its informer has not seen it")
	assert.Equal(t, drivers.Pending, st.Phase)

	// The informer catches up with an older version than the driver's
	// own write: the newer one wins.
	job := waitForJob(t, w.env.Client, w.ns, task.ID)
	stale := job.DeepCopy()
	stale.ResourceVersion = "1"
	stale.Annotations = nil
	require.NoError(t, jobs.indexer.Add(stale))
	require.NoError(t, w.d.Cancel(w.ctx, task.ID))
	st, err = w.d.Status(w.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Canceled, st.ErrorCode, "the driver's own cancel is read back")

	require.NoError(t, w.d.Cleanup(w.ctx, task.ID))
	_, err = w.d.Status(w.ctx, task.ID)
	requireCode(t, drivers.NotFound, err)
}

func TestNotifyNamesTheTaskWhoseJobChanged(t *testing.T) {
	w := newWorld(t, Options{})
	t.Cleanup(func() { _ = w.d.Close() })
	notified := make(chan string, 100)
	require.NoError(t, w.d.Notify(t.Context(), func(id string) {
		select {
		case notified <- id:
		default:
		}
	}))
	task := backupTask(w.ns, w.id("notify"))
	require.NoError(t, w.d.Start(w.ctx, task))
	job := waitForJob(t, w.env.Client, w.ns, task.ID)
	drain := func() {
		for {
			select {
			case <-notified:
			default:
				return
			}
		}
	}
	waitNotified(t, notified, task.ID)
	drain()
	require.NoError(t, testkubelet.MarkRunning(w.ctx, w.env.Client, job))
	waitNotified(t, notified, task.ID)
	st, err := w.d.Status(w.ctx, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase, "a notification comes once the cache holds the change")
}

func TestNotifyIsUnimplementedWithDirectReads(t *testing.T) {
	d := mustNew(t, nil, Options{DirectReads: true})
	requireCode(t, drivers.Unimplemented, d.Notify(t.Context(), func(string) {}))
	require.NoError(t, d.Close())
}

func TestClosedDriverRefusesToRead(t *testing.T) {
	w := newWorld(t, Options{Namespace: "default"})
	require.NoError(t, w.d.Close())
	require.NoError(t, w.d.Close(), "Close is idempotent")
	_, err := w.d.Status(w.ctx, "any")
	requireCode(t, drivers.Canceled, err)
}

// waitNotified waits until id is notified.
func waitNotified(t *testing.T, ch <-chan string, id string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case got := <-ch:
			if got == id {
				return
			}
		case <-timeout:
			t.Fatalf("no notification of task %s", id)
		}
	}
}
