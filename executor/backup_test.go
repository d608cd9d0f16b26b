package executor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestDatafileBackupCompletesWithEveryStatusField(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Polls: 2, TotalSize: 3 << 20, Output: []byte(`{"backupTool":{"CheckPoint":"0/3000028"},"userContext":{"wal":"0001"}}`),
			Artifacts: []drivers.Artifact{{Path: "base.tar", Size: 3 << 20, Checksum: "sha256:abc"}}}
	})
	ttl := "7d"
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl} }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))

	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	s := b.Status
	assert.Equal(t, "3145728", s.TotalSize, "bytes, without a suffix")
	assert.Equal(t, "pg-tool", s.BackupToolName)
	assert.Equal(t, "backup-data", s.PersistentVolumeClaimName)
	require.NotNil(t, s.StartTimestamp)
	require.NotNil(t, s.CompletionTimestamp)
	assert.Equal(t, s.CompletionTimestamp.Sub(s.StartTimestamp.Time), s.Duration.Duration)
	assert.Equal(t, s.StartTimestamp.Add(7*24*time.Hour), s.Expiration.Time, "expiration is start + ttl")
	require.NotNil(t, s.Manifests.BackupTool)
	assert.Equal(t, "/backupdata/demo/b1", s.Manifests.BackupTool.FilePath)
	assert.Equal(t, "sha256:abc", s.Manifests.BackupTool.CheckSum)
	assert.Equal(t, "3145728", s.Manifests.BackupTool.UploadTotalSize)
	assert.Equal(t, "0/3000028", s.Manifests.BackupTool.CheckPoint, "the tool's JSON output is merged under manifests")
	assert.Equal(t, map[string]string{"wal": "0001"}, s.Manifests.UserContext)
	assert.JSONEq(t, `{"name":"pg-0","namespace":""}`, s.Manifests.Target)
	assert.Contains(t, b.Finalizers, v1alpha1.Finalizer)
	assert.Equal(t, "pg-0", b.Annotations[v1alpha1.AnnotationTargetPodName])
	assert.Equal(t, "job", b.Annotations[v1alpha1.AnnotationDriver])

	started := h.driver.Started()
	require.Len(t, started, 1)
	env := map[string]string{}
	for _, e := range started[0].Env {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "10.0.0.5", env["DB_HOST"])
	assert.Equal(t, "/backupdata/demo/b1", env["BACKUP_DIR"])
	events := strings.Join(h.drainEvents(), "\n")
	assert.Contains(t, events, "Normal Started")
	assert.Contains(t, events, "Normal Completed")
}

func TestStatusUpdatesPatchTheStatusBeforeAndAfter(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		switch {
		case strings.HasSuffix(task.ID, "-pre-0"):
			return memdriver.Outcome{Output: []byte(`{"startTime":"2026-11-25T09:00:00Z"}`)}
		case strings.HasSuffix(task.ID, "-post-1"):
			return memdriver.Outcome{Output: []byte(`{"stopTime":"2026-11-25T10:00:00Z"}`)}
		}
		return memdriver.Outcome{TotalSize: 10}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		p.Spec.Datafile.BackupStatusUpdates = []v1alpha1.BackupStatusUpdate{
			{Path: "manifests.backupLog", Script: "echo pre", UpdateStage: v1alpha1.PreBackup},
			{Path: "manifests.backupLog", Script: "echo post", UpdateStage: v1alpha1.PostBackup},
		}
	}))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	log := b.Status.Manifests.BackupLog
	require.NotNil(t, log)
	assert.Equal(t, "2026-11-25T09:00:00Z", log.StartTime.UTC().Format(time.RFC3339))
	assert.Equal(t, "2026-11-25T10:00:00Z", log.StopTime.UTC().Format(time.RFC3339))
	var kinds []drivers.TaskKind
	for _, s := range h.driver.Started() {
		kinds = append(kinds, s.Kind)
	}
	assert.Equal(t, []drivers.TaskKind{drivers.KindStatusUpdate, drivers.KindBackup, drivers.KindStatusUpdate}, kinds)
}

func TestBadStatusUpdateJSONFailsTheBackupWithAClearReason(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindStatusUpdate {
			return memdriver.Outcome{Output: []byte(`{"bogus":1}`)}
		}
		return memdriver.Outcome{}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		p.Spec.Datafile.BackupStatusUpdates = []v1alpha1.BackupStatusUpdate{{Path: "manifests", Script: "x", UpdateStage: v1alpha1.PostBackup}}
	}))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, "backupStatusUpdates")
	assert.Contains(t, b.Status.FailureReason, "bogus")
}

func TestFailedRunIsRetriedOnFailAttemptedTimes(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if strings.Contains(task.ID, "-2-main") {
			return memdriver.Outcome{TotalSize: 1}
		}
		return memdriver.Outcome{Fail: true, Message: "connection refused", Code: drivers.Unavailable}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 2 }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 30, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "2", b.Annotations["dataprotection.kubeblocks.io/attempt"])
	assert.Len(t, h.driver.Executions(), 3, "three attempts, three distinct tasks")
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning RetryingBackup")
}

func TestRunFailsForGoodWhenRetriesAreSpent(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Fail: true, Message: "pg_basebackup: could not connect", Code: drivers.Unavailable}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 1 }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 30, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, "pg_basebackup: could not connect")
	assert.Contains(t, b.Status.FailureReason, "(Unavailable)")
	assert.Contains(t, b.Status.FailureReason, "log: memdriver log")
	assert.NotNil(t, b.Status.CompletionTimestamp)
	assert.Len(t, h.driver.Executions(), 2)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning BackupFailed")
}

func TestTaskPastItsDeadlineIsCancelledAndFails(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 1 << 30, IgnoreDeadline: true} })
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })
	_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"}) // starts the task
	require.NoError(t, err)
	h.clock.Step(25 * time.Hour)
	b := h.runBackup("b1", 5, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, "exceeded its deadline")
}

func TestBackupOfAFailedPolicyFails(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupToolName = "missing-tool" }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 5, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, `BackupPolicy "pg" is Failed`)
	assert.Contains(t, b.Status.FailureReason, "missing-tool")
	assert.Empty(t, h.driver.Executions())
}

func TestRestartedExecutorAdoptsTheRunningTask(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 3} })
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })
	_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
	require.NoError(t, err)
	require.Len(t, h.driver.Executions(), 1)

	h.ex = h.newExecutor() // the engine restarts mid-backup
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase)
	for id, n := range h.driver.Executions() {
		assert.Equal(t, 1, n, "task %s ran once", id)
	}
	assert.Len(t, h.driver.Executions(), 1)
}

func TestSnapshotBackupRunsHooksAroundTheSnapshot(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindBackup {
			return memdriver.Outcome{TotalSize: 5 << 30, Snapshots: []drivers.Snapshot{{VolumeSnapshotName: "b1", VolumeSnapshotContentName: "snapcontent-1", RestoreSize: 5 << 30}}}
		}
		return memdriver.Outcome{}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		p.Spec.Snapshot.Hooks = &v1alpha1.BackupPolicyHook{PreCommands: []string{"freeze"}, PostCommands: []string{"thaw"}, ContainerName: "postgres"}
	}))
	h.create(backup("b1", v1alpha1.BackupTypeSnapshot))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "5368709120", b.Status.TotalSize, "bytes, as for every backup type")
	assert.Equal(t, "b1", b.Status.Manifests.BackupSnapshot.VolumeSnapshotName)
	assert.Equal(t, "snapcontent-1", b.Status.Manifests.BackupSnapshot.VolumeSnapshotContentName)
	started := h.driver.Started()
	require.Len(t, started, 3)
	assert.Equal(t, []string{"freeze"}, started[0].Steps[0].Commands)
	assert.Equal(t, "postgres", started[0].Container)
	assert.Equal(t, []string{"data-pg-0"}, started[1].Snapshot.Claims)
	assert.Equal(t, []string{"thaw"}, started[2].Steps[0].Commands)
}

func TestIncrementalBackupUsesItsParent(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Output: []byte(`{"backupTool":{"CheckPoint":"cp-` + task.Owner.Name + `"}}`)}
	})
	h.setup(backupPolicy())
	h.create(backup("full", v1alpha1.BackupTypeDataFile))
	h.runBackup("full", 20, terminalPhase)
	incr := backup("incr", v1alpha1.BackupTypeDataFile)
	incr.Spec.ParentBackupName = "full"
	h.create(incr)
	b := h.runBackup("incr", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "full", b.Status.ParentBackupName)
	started := h.driver.Started()
	last := started[len(started)-1]
	env := map[string]string{}
	for _, e := range last.Env {
		env[e.Name] = e.Value
	}
	assert.Equal(t, "full", env["PARENT_BACKUP_NAME"])
	assert.Equal(t, "/backupdata/demo/full", env["PARENT_BACKUP_DIR"])
	assert.Equal(t, "cp-full", env["PARENT_CHECKPOINT"])
	assert.Equal(t, tool().Spec.IncrementalBackupCommands, last.Steps[0].Commands)
}

func TestDeletingABackupDeletesItsDataThenTheObject(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 1} })
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))
	h.reconcileUntilGone("b1", 10)
	var deletes int
	for _, s := range h.driver.Started() {
		if s.Kind == drivers.KindDeleteArtifacts {
			deletes++
			assert.Equal(t, "demo/b1", s.Storage.Path)
			assert.Equal(t, "backup-data", s.Storage.ClaimName)
		}
	}
	assert.Equal(t, 1, deletes)
	assert.Empty(t, h.driver.Live(), "every task is cleaned up")
}

func TestDeletingARunningBackupCancelsItFirst(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindBackup {
			return memdriver.Outcome{Polls: 1 << 30}
		}
		return memdriver.Outcome{}
	})
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })
	_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
	require.NoError(t, err)
	require.Len(t, h.driver.Live(), 1)
	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))
	h.reconcileUntilGone("b1", 10)
	assert.Empty(t, h.driver.Live())
}
