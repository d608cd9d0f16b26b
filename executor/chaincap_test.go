package executor_test

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// chainOf makes an incremental chain of n Completed Backups, "link-0"
// (the full one, run by the engine) to "link-<n-1>": the others are
// created with their parent and given the full one's status, as the
// engine would have written it (and its annotations: the driver that ran
// it, its data path), without running n tasks.
func chainOf(h *harness, n int) string {
	h.t.Helper()
	h.create(backup("link-0", v1alpha1.BackupTypeDataFile))
	full := h.runBackup("link-0", 20, terminalPhase)
	require.Equal(h.t, v1alpha1.BackupCompleted, full.Status.Phase, full.Status.FailureReason)
	for i := 1; i < n; i++ {
		b := backup(fmt.Sprintf("link-%d", i), v1alpha1.BackupTypeDataFile)
		b.Spec.ParentBackupName = fmt.Sprintf("link-%d", i-1)
		b.Annotations = maps.Clone(full.Annotations)
		created, err := h.store.Backups().Create(h.ctx, b)
		require.NoError(h.t, err)
		created.Status = *full.Status.DeepCopy()
		_, err = h.store.Backups().UpdateStatus(h.ctx, created)
		require.NoError(h.t, err)
	}
	return fmt.Sprintf("link-%d", n-1)
}

// A restore of a chain of v1alpha1.MaxBackupChain backups completes, its
// physical task replaying every link in order, within the bounds of the
// caps test (each reconcile under capReconcileTime and capReconcileAlloc):
// the chain is walked by one Get per link at each reconcile, and planned
// once per attempt. Measured on 2 shared cores: 6 reconciles, the slowest
// 18 ms (30 ms with -race), at most 7.4 MiB allocated by one and 43 MiB by
// all.
func TestRestoreOfAChainAtMaxBackupChainIsBounded(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	last := chainOf(h, v1alpha1.MaxBackupChain)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", last))
	require.NoError(t, err)

	m := newMeter(h)
	r := m.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	restores := startedOf(h, drivers.KindRestore)
	require.NotEmpty(t, restores)
	phy := restores[0]
	require.Len(t, phy.Steps, v1alpha1.MaxBackupChain, "one step per link")
	assert.Equal(t, "link-0", phy.Steps[0].Name)
	assert.Equal(t, last, phy.Steps[len(phy.Steps)-1].Name)

	h.clock.Step(8 * 24 * time.Hour)
	m.restore("r1")
	_, err = h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.True(t, drivers.IsNotFound(err), "the expired RestoreJob is deleted: %v", err)
	m.report("backup chain (restore)", v1alpha1.MaxBackupChain, 0, 0)
}

// One link more than v1alpha1.MaxBackupChain fails the RestoreJob with a
// reason that names the cap, and runs no task.
func TestRestoreOfAChainOverMaxBackupChainFails(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy())
	last := chainOf(h, v1alpha1.MaxBackupChain+1)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", last))
	require.NoError(t, err)

	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Contains(t, r.Status.FailureReason, fmt.Sprintf("has more than %d backups", v1alpha1.MaxBackupChain))
	assert.Empty(t, startedOf(h, drivers.KindRestore), "no restore task runs")
}
