package executor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestABackupWaitsForItsMissingPolicyAtMostPolicyWaitTimeoutThenFails(t *testing.T) {
	h := newHarness(t, nil)
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	key := types.NamespacedName{Namespace: ns, Name: "b1"}

	h.runBackup("b1", 5, func(b *v1alpha1.Backup) bool { return b.Annotations[v1alpha1.AnnotationPolicyWaitSince] != "" })
	b := h.getBackup("b1")
	assert.Equal(t, t0.Add(time.Second).Format(time.RFC3339), b.Annotations[v1alpha1.AnnotationPolicyWaitSince])
	assert.Equal(t, `waiting: BackupPolicy "pg" does not exist (yet)`, b.Annotations[v1alpha1.AnnotationWaiting])
	assert.False(t, b.Status.Phase.IsTerminal())
	events := strings.Join(h.drainEvents(), "\n")
	assert.Contains(t, events, `Normal WaitingForPolicy BackupPolicy "pg" does not exist: the backup waits for it at most 5m0s`)

	h.clock.Step(4 * time.Minute)
	h.ex = h.newExecutor() // a restart does not extend the wait
	res, err := h.ex.ReconcileBackup(h.ctx, key)
	require.NoError(t, err)
	assert.Positive(t, res.RequeueAfter)
	assert.False(t, h.getBackup("b1").Status.Phase.IsTerminal())
	assert.Empty(t, h.drainEvents(), "the wait is noted once")

	h.clock.Step(time.Minute)
	b = h.runBackup("b1", 3, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Equal(t, `BackupPolicy "pg" not found (waited 5m0s, PolicyWaitTimeout)`, b.Status.FailureReason)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning PolicyNotFound")
}

func TestABackupCreatedBeforeItsPolicyRunsOnceThePolicyExists(t *testing.T) {
	h := newHarness(t, nil)
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 5, func(b *v1alpha1.Backup) bool { return b.Annotations[v1alpha1.AnnotationPolicyWaitSince] != "" })
	h.clock.Step(time.Minute)

	h.setup(backupPolicy())
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.NotContains(t, b.Annotations, v1alpha1.AnnotationPolicyWaitSince)
	assert.NotContains(t, b.Annotations, v1alpha1.AnnotationWaiting)
}

func TestAPolicyWaitStartInTheFutureIsWrittenAgain(t *testing.T) {
	h := newHarness(t, nil)
	b := backup("b1", v1alpha1.BackupTypeDataFile)
	b.Annotations = map[string]string{v1alpha1.AnnotationPolicyWaitSince: t0.Add(24 * time.Hour).Format(time.RFC3339)}
	h.create(b)
	h.runBackup("b1", 5, func(b *v1alpha1.Backup) bool {
		return b.Annotations[v1alpha1.AnnotationPolicyWaitSince] != t0.Add(24*time.Hour).Format(time.RFC3339)
	})
	since, err := time.Parse(time.RFC3339, h.getBackup("b1").Annotations[v1alpha1.AnnotationPolicyWaitSince])
	require.NoError(t, err)
	assert.False(t, since.After(h.clock.Now()))
}
