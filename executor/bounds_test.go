package executor_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/fakedriver"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// acceptingStore is the harness's memory store as an API server without
// the engine's validation would be: its RestoreJobs are read back with
// mutate applied (the CRD sets no maxItems, so the API server accepts what
// the memory store refuses).
type acceptingStore struct {
	*memory.Store
	mutate func(*v1alpha1.RestoreJob)
}

func (s acceptingStore) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] {
	return mutatingRestoreJobs{s.Store.RestoreJobs(), s.mutate}
}

type mutatingRestoreJobs struct {
	store.Resource[*v1alpha1.RestoreJob]
	mutate func(*v1alpha1.RestoreJob)
}

func (r mutatingRestoreJobs) Get(ctx context.Context, namespace, name string) (*v1alpha1.RestoreJob, error) {
	obj, err := r.Resource.Get(ctx, namespace, name)
	if err == nil {
		r.mutate(obj)
	}
	return obj, err
}

// measure runs f and returns how long it took and how many bytes it
// allocated.
func measure(f func()) (time.Duration, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}

// TestRestoreJobWithTwentyThousandInvalidMountsFailsAtOnce: a RestoreJob
// with 20,000 mounts of volumes it does not have (the API server accepts
// it) fails in one short reconcile, with a failureReason and an event of at
// most v1alpha1.MaxMessageLength bytes.
func TestRestoreJobWithTwentyThousandInvalidMountsFailsAtOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	cfg := h.config()
	cfg.Store = acceptingStore{Store: h.store, mutate: func(r *v1alpha1.RestoreJob) {
		for i := range 20_000 {
			r.Spec.TargetVolumeMounts = append(r.Spec.TargetVolumeMounts,
				corev1.VolumeMount{Name: fmt.Sprintf("no-such-volume-%d", i), MountPath: "not/absolute"})
		}
	}}
	ex := newEngine(cfg)

	took, alloc := measure(func() {
		_, err = ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: "r1"})
	})
	require.NoError(t, err)
	t.Logf("reconcile of a RestoreJob with 20,000 invalid mounts: %s, %d KiB allocated", took, alloc>>10)
	assert.Less(t, took, 2*time.Second)
	r, err := h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.LessOrEqual(t, len(r.Status.FailureReason), v1alpha1.MaxMessageLength)
	assert.Contains(t, r.Status.FailureReason, "spec.targetVolumeMounts: Too many: 20001: must have at most 100 items")
	for _, ev := range h.drainEvents() {
		assert.LessOrEqual(t, len(ev), v1alpha1.MaxMessageLength+64, "an event message is truncated: %.200s", ev)
	}
}

// TestFailureReasonsAndEventsAreTruncated: a task whose failure message is
// megabytes long fails its Backup with a failureReason and events of at most
// v1alpha1.MaxMessageLength bytes.
func TestFailureReasonsAndEventsAreTruncated(t *testing.T) {
	h := newHarness(t, failAll(strings.Repeat("x", 4<<20)))
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.LessOrEqual(t, len(b.Status.FailureReason), v1alpha1.MaxMessageLength)
	assert.True(t, strings.HasSuffix(b.Status.FailureReason, "... (truncated)"))
	for _, ev := range h.drainEvents() {
		assert.LessOrEqual(t, len(ev), v1alpha1.MaxMessageLength+64, "an event message is truncated: %.200s", ev)
	}
}

// failAll is a driver script that fails every task with message.
func failAll(message string) func(*drivers.Task) fakedriver.Outcome {
	return func(*drivers.Task) fakedriver.Outcome { return fakedriver.Outcome{Fail: true, Message: message} }
}
