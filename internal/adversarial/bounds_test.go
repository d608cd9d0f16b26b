package adversarial_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// forgedAttempt is the attempt annotation the tenant writes.
const forgedAttempt = "2000000"

// boundSlack multiplies the time bounds of this file's classes: they are
// what a person would call prompt, the work is done by a process that
// shares a loaded machine with others, and the allocation bounds, which no
// load changes, are what catches a regression first.
const boundSlack = 6

// measure runs f and returns how long it took and how many bytes the
// process allocated meanwhile (the engine's other work included).
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

// waitGone polls get until it fails (the object is gone), for up to
// timeout.
func waitGone(t *testing.T, what string, timeout time.Duration, get func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for get() == nil {
		require.True(t, time.Now().Before(deadline), "%s is still there", what)
		time.Sleep(10 * time.Millisecond)
	}
}

// Class 1, unbounded attempts: the tenant writes attempt 2,000,000 on its
// completed Backup and on its finished RestoreJob. Bound: deleting the
// Backup, and the RestoreJob's expiry, each end within 5 s (times
// boundSlack) with under 64 MiB allocated by the whole process (it was
// minutes and GiBs). (Executor level: executor TestDeletionWithAForgedAttemptIsBounded,
// TestRestoreExpiryWithAForgedAttemptIsBounded.)
func TestClass01ForgedAttemptsAreBounded(t *testing.T) {
	w := newWorld(t, worldOptions{restoreJobTTL: time.Second,
		targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}, DataDir: t.TempDir()}}})
	_, err := w.st.BackupTools().Create(w.ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool"},
		Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{`echo data > "$BACKUP_DIR/data"`},
			Physical: v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`cp "$BACKUP_DIR/data" "$DATA_DIR"`}}}})
	require.NoError(t, err)
	w.policy("tenant", "p", "tool")
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	r := w.restore("tenant", "r1", "b1")
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)

	metav1.SetMetaDataAnnotation(&r.ObjectMeta, v1alpha1.AnnotationAttempt, forgedAttempt)
	_, err = w.st.RestoreJobs().Update(w.ctx, r)
	require.NoError(t, err)
	took, alloc := measure(func() {
		waitGone(t, "the expired RestoreJob", time.Minute, func() error { _, err := w.st.RestoreJobs().Get(w.ctx, "tenant", "r1"); return err })
	})
	t.Logf("expiry of a RestoreJob with attempt %s: %s (TTL 1s included), %d KiB allocated", forgedAttempt, took, alloc>>10)
	assert.Less(t, took, 5*time.Second*boundSlack)
	assert.Less(t, alloc, uint64(64<<20))

	b, err = w.st.Backups().Get(w.ctx, "tenant", "b1")
	require.NoError(t, err)
	metav1.SetMetaDataAnnotation(&b.ObjectMeta, v1alpha1.AnnotationAttempt, forgedAttempt)
	_, err = w.st.Backups().Update(w.ctx, b)
	require.NoError(t, err)
	took, alloc = measure(func() {
		require.NoError(t, w.st.Backups().Delete(w.ctx, "tenant", "b1", ""))
		waitGone(t, "the deleted Backup", time.Minute, func() error { _, err := w.st.Backups().Get(w.ctx, "tenant", "b1"); return err })
	})
	t.Logf("deletion of a Backup with attempt %s: %s, %d KiB allocated", forgedAttempt, took, alloc>>10)
	assert.Less(t, took, 5*time.Second*boundSlack)
	assert.Less(t, alloc, uint64(64<<20))
}

// Class 2, quadratic validation and unbounded reasons: the tenant creates
// a RestoreJob with 20,000 invalid mounts, the operator a BackupTool with
// 100,000 env entries, and a tool fails after printing a 1 MiB line.
// Bound: the store refuses each object promptly (under 1 s, times
// boundSlack), allocating under 64 MiB, with an error of at
// most v1alpha1.MaxReportedErrors (+1) problems; the failed Backup's
// failureReason and every event message are at most
// v1alpha1.MaxMessageLength bytes. (With an API server that accepts the
// RestoreJob: executor TestRestoreJobWithTwentyThousandInvalidMountsFailsAtOnce;
// every store: storetest's limit cases.)
func TestClass02ValidationAndReasonsAreBounded(t *testing.T) {
	w := tenantWorld(t)
	mounts := make([]corev1.VolumeMount, 20000)
	for i := range mounts {
		mounts[i] = corev1.VolumeMount{Name: fmt.Sprintf("missing-%d", i), MountPath: "relative"}
	}
	var err error
	took, alloc := measure(func() {
		_, err = w.st.RestoreJobs().Create(w.ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: "r1"},
			Spec: v1alpha1.RestoreJobSpec{BackupJobName: "b1", TargetVolumeMounts: mounts,
				Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "tenant"}}}}})
	})
	require.Error(t, err)
	t.Logf("RestoreJob with 20,000 invalid mounts refused in %s, %d KiB allocated: %v", took, alloc>>10, err)
	assert.Less(t, took, time.Second*boundSlack)
	assert.Less(t, alloc, uint64(64<<20))
	_, err = w.st.RestoreJobs().Create(w.ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: "r2"},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: "b1", TargetVolumeMounts: mounts[:v1alpha1.MaxVolumeMounts],
			Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "tenant"}}}}})
	require.Error(t, err)
	t.Logf("RestoreJob with %d invalid mounts: an error of %d bytes", v1alpha1.MaxVolumeMounts, len(err.Error()))
	assert.LessOrEqual(t, strings.Count(err.Error(), "spec.targetVolumeMounts["), v1alpha1.MaxReportedErrors)

	env := make([]corev1.EnvVar, 100000)
	for i := range env {
		env[i] = corev1.EnvVar{Name: fmt.Sprintf("V%d", i), Value: "x"}
	}
	took, alloc = measure(func() {
		_, err = w.st.BackupTools().Create(w.ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "huge"},
			Spec: v1alpha1.BackupToolSpec{Image: "busybox", Env: env, BackupCommands: []string{"true"}}})
	})
	require.Error(t, err)
	t.Logf("BackupTool with 100,000 env entries refused in %s, %d KiB allocated", took, alloc>>10)
	assert.Less(t, took, time.Second*boundSlack)
	assert.Less(t, alloc, uint64(64<<20))

	w.tool("shouting", `head -c 1048576 /dev/zero | tr '\0' 'x'; echo; exit 1`)
	w.policy("tenant", "p", "shouting")
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.LessOrEqual(t, len(b.Status.FailureReason), v1alpha1.MaxMessageLength)
	for _, e := range strings.Split(strings.TrimSpace(w.eventText()), "\n") {
		assert.LessOrEqual(t, len(e), v1alpha1.MaxMessageLength+64, "an event (type and reason before its message)")
	}
}

// Class 11b, ParseTTL overflow: the tenant's policy keeps backups for
// 99999999999999999999 days, which no time.Duration holds. Upstream's CRD
// pattern accepted it, so the store does too; bound: it is never read as 0
// (which would expire the tenant's backups at once) — ttl retention is off
// for the policy, which stays Available, and its backups get no
// expiration and stay. (The parser: types/v1alpha1 TestParseTTL and
// FuzzParseTTL.)
func TestClass11bAnOverflowingTTLNeverExpires(t *testing.T) {
	w := tenantWorld(t)
	w.tool("tool", "true")
	ttl := "99999999999999999999d"
	_, err := w.st.BackupPolicies().Create(w.ctx, &v1alpha1.BackupPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: "p"},
		Spec: v1alpha1.BackupPolicySpec{Retention: &v1alpha1.RetentionSpec{TTL: &ttl},
			Datafile: &v1alpha1.CommonBackupPolicy{BackupToolName: "tool",
				PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "data"},
				BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
					LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "tenant"}}}}}}})
	require.NoError(t, err, "upstream's CRD accepted it")
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Nil(t, b.Status.Expiration, "never an expiration, let alone now")
	time.Sleep(300 * time.Millisecond) // several polls of the engine
	b, err = w.st.Backups().Get(w.ctx, "tenant", "b1")
	require.NoError(t, err, "the backup is kept")
	assert.Nil(t, b.DeletionTimestamp)
	p, err := w.st.BackupPolicies().Get(w.ctx, "tenant", "p")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
}
