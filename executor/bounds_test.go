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
	"github.com/dpsdk/dataprotection/drivers/memdriver"
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
	h.backupThenRestoreJob()
	cfg := h.config()
	cfg.Store = acceptingStore{Store: h.store, mutate: func(r *v1alpha1.RestoreJob) {
		for i := range 20_000 {
			r.Spec.TargetVolumeMounts = append(r.Spec.TargetVolumeMounts,
				corev1.VolumeMount{Name: fmt.Sprintf("no-such-volume-%d", i), MountPath: "not/absolute"})
		}
	}}
	ex := newEngine(cfg)

	var err error
	took, alloc := measure(func() {
		_, err = ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: "r1"})
	})
	require.NoError(t, err)
	t.Logf("reconcile of a RestoreJob with 20,000 invalid mounts: %s, %d KiB allocated", took, alloc>>10)
	assert.Less(t, took, 10*time.Second, "prompt, on a loaded machine too; the allocation bound is the tight one")
	assert.Less(t, alloc, uint64(64<<20))
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

// backupThenRestoreJob sets the harness's policy up, runs Backup b1 and
// creates RestoreJob r1 of it.
func (h *harness) backupThenRestoreJob() {
	h.t.Helper()
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(h.t, err)
}

// failAll is a driver script that fails every task with message.
func failAll(message string) func(*drivers.Task) memdriver.Outcome {
	return func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Fail: true, Message: message} }
}

// forgedAttempt is the attempt annotation a user writes to make the engine
// loop: far above any onFailAttempted.
const forgedAttempt = "2000000"

// forgeAttempt sets the attempt annotation of obj, as a user may.
func forgeAttempt[T store.Object](t *testing.T, r store.Resource[T], obj T) {
	t.Helper()
	a := obj.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[v1alpha1.AnnotationAttempt] = forgedAttempt
	obj.SetAnnotations(a)
	_, err := r.Update(context.Background(), obj)
	require.NoError(t, err)
}

// TestDeletionWithAForgedAttemptIsBounded: deleting a Backup whose attempt
// annotation says 2,000,000 costs what deleting any Backup costs.
func TestDeletionWithAForgedAttemptIsBounded(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	forgeAttempt(t, h.store.Backups(), h.getBackup("b1"))
	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))

	took, alloc := measure(func() { h.reconcileUntilGone("b1", 20) })
	t.Logf("deletion of a Backup with attempt %s: %s, %d KiB allocated", forgedAttempt, took, alloc>>10)
	assert.Less(t, took, 10*time.Second, "prompt, on a loaded machine too; the allocation bound is the tight one")
	assert.Less(t, alloc, uint64(64<<20))
}

// TestRestoreExpiryWithAForgedAttemptIsBounded: deleting an expired
// RestoreJob whose attempt annotation says 2,000,000 costs what deleting any
// RestoreJob costs.
func TestRestoreExpiryWithAForgedAttemptIsBounded(t *testing.T) {
	h := newHarness(t, nil)
	h.backupThenRestoreJob()
	r := h.runRestore("r1", 20)
	forgeAttempt(t, h.store.RestoreJobs(), r)
	h.clock.Step(8 * 24 * time.Hour)

	var err error
	took, alloc := measure(func() {
		_, err = h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: "r1"})
	})
	require.NoError(t, err)
	t.Logf("expiry of a RestoreJob with attempt %s: %s, %d KiB allocated", forgedAttempt, took, alloc>>10)
	_, err = h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.True(t, drivers.IsNotFound(err), "the expired RestoreJob is deleted: %v", err)
	assert.Less(t, took, 10*time.Second, "prompt, on a loaded machine too; the allocation bound is the tight one")
	assert.Less(t, alloc, uint64(64<<20))
}

// cancellingDriver cancels a context at its first Cleanup and counts the
// Cleanup calls.
type cancellingDriver struct {
	drivers.Driver
	cancel   context.CancelFunc
	cleanups int
}

func (d *cancellingDriver) Cleanup(ctx context.Context, id string) error {
	d.cleanups++
	d.cancel()
	return d.Driver.Cleanup(ctx, id)
}

// TestDeletionStopsWhenItsContextEnds: a deletion that cleans up many tasks
// (a policy that allows 100 retries, all spent) stops at the first call
// after its context ends, with the context's error.
func TestDeletionStopsWhenItsContextEnds(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 1000} })
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 100 }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })
	b := h.getBackup("b1")
	b.Annotations[v1alpha1.AnnotationAttempt] = "100"
	_, err := h.store.Backups().Update(h.ctx, b)
	require.NoError(t, err)
	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))

	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	d := &cancellingDriver{Driver: h.driver, cancel: cancel}
	cfg := h.config()
	cfg.Drivers = drivers.Registry{"job": d, "daemon": d, "snapshot": d}
	_, err = newEngine(cfg).ReconcileBackup(ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
	require.Error(t, err)
	assert.Equal(t, drivers.Canceled, drivers.ErrorCode(err), "%v", err)
	assert.Equal(t, 1, d.cleanups, "no driver call after the context ended")
}
