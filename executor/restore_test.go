package executor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func restoreJob(name, backupName string) *v1alpha1.RestoreJob {
	return &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: v1alpha1.RestoreJobSpec{
		BackupJobName: backupName, Target: target(),
		TargetVolumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-pg-restored"}}}},
		TargetVolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}},
	}}
}

// runRestore reconciles the RestoreJob until it is terminal.
func (h *harness) runRestore(name string, max int) *v1alpha1.RestoreJob {
	h.t.Helper()
	for range max {
		res, err := h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
		require.NoError(h.t, err)
		r, err := h.store.RestoreJobs().Get(h.ctx, ns, name)
		require.NoError(h.t, err)
		if r.Status.Phase.IsTerminal() {
			return r
		}
		h.step(res)
	}
	h.t.Fatalf("restore %s did not finish in %d steps", name, max)
	return nil
}

func TestRestoreRunsPhysicalThenLogicalAndExpires(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)

	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	require.NotNil(t, r.Status.StartTimestamp)
	require.NotNil(t, r.Status.CompletionTimestamp)
	assert.Equal(t, r.Status.CompletionTimestamp.Add(7*24*time.Hour), r.Status.Expiration.Time)

	restores := startedOf(h, drivers.KindRestore)
	require.Len(t, restores, 2)
	assert.Equal(t, []string{"restore-phy"}, restores[0].Steps[0].Commands)
	assert.Equal(t, []string{"restore-logic"}, restores[1].Steps[0].Commands)
	assert.Equal(t, "data-pg-restored", restores[0].Volumes[0].PersistentVolumeClaim.ClaimName)
	assert.Equal(t, "/var/lib/postgresql/data", restores[0].VolumeMounts[0].MountPath)
	assert.Equal(t, "demo/b1", restores[0].Storage.Path)
	events := strings.Join(h.drainEvents(), "\n")
	assert.Contains(t, events, "InProgressPhy")
	assert.Contains(t, events, "InProgressLogic")

	h.clock.Step(8 * 24 * time.Hour)
	_, err = h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: "r1"})
	require.NoError(t, err)
	_, err = h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.Error(t, err, "an expired RestoreJob is deleted")
}

func TestRestoreReplaysTheIncrementalChain(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	h.create(backup("full", v1alpha1.BackupTypeDataFile))
	h.runBackup("full", 20, terminalPhase)
	for i, parent := range []string{"full", "incr1"} {
		b := backup([]string{"incr1", "incr2"}[i], v1alpha1.BackupTypeDataFile)
		b.Spec.ParentBackupName = parent
		h.create(b)
		h.runBackup(b.Name, 20, terminalPhase)
	}
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "incr2"))
	require.NoError(t, err)
	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	restores := startedOf(h, drivers.KindRestore)
	require.NotEmpty(t, restores)
	phy := restores[0]
	var steps []string
	for _, s := range phy.Steps {
		steps = append(steps, s.Name+":"+s.Commands[0]+":"+s.Env[1].Value)
	}
	assert.Equal(t, []string{"full:restore-phy:/backupdata/demo/full", "incr1:restore-incr:/backupdata/demo/incr1",
		"incr2:restore-incr:/backupdata/demo/incr2"}, steps)
}

func TestRestoreRetriesThenFails(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindRestore {
			return memdriver.Outcome{Fail: true, Message: "disk full"}
		}
		return memdriver.Outcome{}
	})
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	rj := restoreJob("r1", "b1")
	rj.Spec.OnFailAttempted = 2
	_, err := h.store.RestoreJobs().Create(h.ctx, rj)
	require.NoError(t, err)
	r := h.runRestore("r1", 30)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Contains(t, r.Status.FailureReason, "disk full")
	assert.Len(t, startedOf(h, drivers.KindRestore), 3, "one run and two retries")
}

func TestRestoreOfAMissingBackupFails(t *testing.T) {
	h := newHarness(t, nil)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "nope"))
	require.NoError(t, err)
	r := h.runRestore("r1", 5)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Contains(t, r.Status.FailureReason, `backup "nope" not found`)
}

func TestRestoreWaitsForARunningBackup(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 3} })
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	_, err = h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: "r1"})
	require.Error(t, err, "a backup not finished yet is a transient condition")
	h.runBackup("b1", 20, terminalPhase)
	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
}

func TestSnapshotRestoreCreatesClaimsFromTheSnapshot(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Snapshots: []drivers.Snapshot{{VolumeSnapshotName: "snap-b1"}}}
	})
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeSnapshot))
	h.runBackup("b1", 20, terminalPhase)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	started := h.driver.Started()
	last := started[len(started)-1]
	assert.Equal(t, drivers.KindRestore, last.Kind)
	assert.Equal(t, "snap-b1", last.Snapshot.Name)
	assert.Equal(t, []string{"data-pg-restored"}, last.Snapshot.Claims)
}
