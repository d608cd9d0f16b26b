package csi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func claimVolume(name string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}}}
}

// TestTheEngineBacksUpRestoresAndDeletesThroughTheDriver drives a snapshot
// Backup (with hooks, and a first attempt whose snapshot fails), a
// RestoreJob and the Backup's deletion through the executor, on an in-memory
// store, with the driver on the real API server.
func TestTheEngineBacksUpRestoresAndDeletesThroughTheDriver(t *testing.T) {
	f := setup(t)
	f.claims("data-pg-0", "log-pg-0")
	ctx := context.Background()
	hooks := &podexectest.Fake{Result: &csi.ExecResult{}}
	// The Backups live in the memory store, not in the cluster: no owner references.
	d, err := csi.New(f.kube, f.snap, csi.Options{PodExec: hooks, OmitOwnerReferences: true})
	require.NoError(t, err)
	st := memory.New(memory.Options{})
	t.Cleanup(func() { _ = st.Close() })
	labels := map[string]string{"app": "pg"}
	ex, err := executor.New(executor.Config{Store: st, Drivers: drivers.Registry{drivers.NameSnapshot: d},
		Targets: targets.Static{{Name: "pg-0", Namespace: f.ns, Labels: labels, Containers: []string{"postgres"},
			Volumes: []corev1.Volume{claimVolume("data-pg-0"), claimVolume("log-pg-0")}}},
		Options: executor.Options{PollInterval: time.Millisecond, RetryDelay: time.Millisecond}})
	require.NoError(t, err)
	target := v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: labels}}
	_, err = st.BackupPolicies().Create(ctx, &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "pg"},
		Spec: v1alpha1.BackupPolicySpec{Snapshot: &v1alpha1.SnapshotPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: target, OnFailAttempted: 1},
			Hooks:      &v1alpha1.BackupPolicyHook{PreCommands: []string{"freeze"}, PostCommands: []string{"thaw"}, ContainerName: "postgres"},
		}}})
	require.NoError(t, err)
	_, err = ex.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: f.ns, Name: "pg"})
	require.NoError(t, err)
	p, err := st.BackupPolicies().Get(ctx, f.ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)

	_, err = st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: v1alpha1.BackupTypeSnapshot}})
	require.NoError(t, err)
	played := map[string]bool{}
	var b *v1alpha1.Backup
	until(t, "the Backup is finished", func() bool {
		_, err := ex.ReconcileBackup(ctx, types.NamespacedName{Namespace: f.ns, Name: "b1"})
		require.NoError(t, err)
		f.playController(played)
		b, err = st.Backups().Get(ctx, f.ns, "b1")
		require.NoError(t, err)
		return b.Status.Phase.IsTerminal()
	})
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "3221225472", b.Status.TotalSize)
	require.NotNil(t, b.Status.Manifests.BackupSnapshot)
	assert.Equal(t, "b1", b.Status.Manifests.BackupSnapshot.VolumeSnapshotName)
	assert.NotEmpty(t, b.Status.Manifests.BackupSnapshot.VolumeSnapshotContentName)
	var commands []string
	for _, req := range hooks.Requests() {
		cmds, _, err := podexectest.Decode(req)
		require.NoError(t, err)
		commands = append(commands, cmds...)
	}
	assert.Equal(t, []string{"freeze", "freeze", "thaw"}, commands, "the failed attempt froze; the retry froze and thawed")
	assert.ElementsMatch(t, []string{"b1", "b1-1"}, f.snapshotNames())

	_, err = st.RestoreJobs().Create(ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "r1"},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: "b1", Target: target,
			TargetVolumes: []corev1.Volume{claimVolume("data-restored"), claimVolume("log-restored")}}})
	require.NoError(t, err)
	until(t, "the RestoreJob is finished", func() bool {
		_, err := ex.ReconcileRestoreJob(ctx, types.NamespacedName{Namespace: f.ns, Name: "r1"})
		require.NoError(t, err)
		r, err := st.RestoreJobs().Get(ctx, f.ns, "r1")
		require.NoError(t, err)
		require.NotEqual(t, v1alpha1.RestoreJobFailed, r.Status.Phase, r.Status.FailureReason)
		return r.Status.Phase.IsTerminal()
	})
	assert.Equal(t, "b1", f.getClaim("data-restored").Spec.DataSource.Name)
	assert.Equal(t, "b1-1", f.getClaim("log-restored").Spec.DataSource.Name)

	require.NoError(t, st.Backups().Delete(ctx, f.ns, "b1", ""))
	until(t, "the Backup is deleted", func() bool {
		_, err := ex.ReconcileBackup(ctx, types.NamespacedName{Namespace: f.ns, Name: "b1"})
		require.NoError(t, err)
		_, err = st.Backups().Get(ctx, f.ns, "b1")
		return err != nil
	})
	assert.Empty(t, f.snapshotNames(), "deleting the Backup deleted its snapshots")
	assert.ElementsMatch(t, []string{"data-pg-0", "log-pg-0", "data-restored", "log-restored"}, f.claimNames())
}

// playController plays the snapshot controller for the engine test: the
// first snapshot it sees fails, the others become ready.
func (f *fixture) playController(played map[string]bool) {
	f.t.Helper()
	list, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(f.t, err)
	for _, vs := range list.Items {
		if played[string(vs.UID)] {
			continue
		}
		if len(played) == 0 {
			f.fail(vs.Name, "the storage system is busy")
		} else {
			f.ready(vs.Name, map[string]string{"b1": "2Gi", "b1-1": "1Gi"}[vs.Name])
		}
		played[string(vs.UID)] = true
	}
}

// until calls step until it returns true, for at most a minute.
func until(t *testing.T, what string, step func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !step() {
		require.False(t, time.Now().After(deadline), "%s: not done after a minute", what)
		time.Sleep(5 * time.Millisecond)
	}
}
