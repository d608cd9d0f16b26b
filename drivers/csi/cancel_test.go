package csi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestCancelDeletesTheSnapshotsNotReadyAndReportsCanceled(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	f.ready("b1", "1Gi")

	require.NoError(t, d.Cancel(ctx, task.ID))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.Canceled, st.ErrorCode)
	assert.Equal(t, []string{"b1"}, f.snapshotNames(), "the ready snapshot stays, the other is deleted")
	require.NoError(t, d.Cancel(ctx, task.ID), "idempotent")
	assert.Equal(t, drivers.Canceled, status(t, newDriver(f, csi.Options{}), task.ID, drivers.Failed).ErrorCode,
		"the cancellation outlives a restart")
	require.NoError(t, d.Start(ctx, task), "starting a cancelled task again does not run it again")
	assert.Equal(t, []string{"b1"}, f.snapshotNames())

	require.NoError(t, d.Cancel(ctx, f.id("unknown")), "an unknown task")
}

func TestCancelFromANewDriverAndOfAFinishedTask(t *testing.T) {
	f := setup(t)
	f.claims("data")
	ctx := context.Background()
	running := f.backupTask("b1-main", f.owner("Backup", "b1"), "data")
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, running))
	d := newDriver(f, csi.Options{})
	require.NoError(t, d.Cancel(ctx, running.ID))
	assert.Equal(t, drivers.Canceled, status(t, d, running.ID, drivers.Failed).ErrorCode)
	assert.Empty(t, f.snapshotNames())

	done := f.completedBackup(d, "b2", []string{"data"}, "1Gi")
	require.NoError(t, d.Cancel(ctx, done.ID))
	require.NoError(t, newDriver(f, csi.Options{}).Cancel(ctx, done.ID))
	status(t, d, done.ID, drivers.Succeeded)
	assert.Equal(t, []string{"b2"}, f.snapshotNames())
}

func TestCleanupNeverDeletesACompletedBackupsSnapshots(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	done := f.completedBackup(d, "b1", []string{"data", "log"}, "1Gi", "2Gi")
	ctx := context.Background()
	for _, drv := range []*csi.Driver{d, d, newDriver(f, csi.Options{})} {
		require.NoError(t, drv.Cleanup(ctx, done.ID), "idempotent, also after a restart")
		_, err := drv.Status(ctx, done.ID)
		requireCode(t, drivers.NotFound, err)
	}
	assert.ElementsMatch(t, []string{"b1", "b1-1"}, f.snapshotNames())
	vs := f.getSnapshot("b1")
	assert.NotContains(t, vs.Labels, v1alpha1.LabelTaskID, "the driver's bookkeeping is gone")
	assert.Equal(t, string(done.Owner.UID), vs.Labels[v1alpha1.LabelOwnerUID], "delete-artifacts still finds it")
	for k := range vs.Annotations {
		assert.NotContains(t, k, "/task-", "bookkeeping annotation %s", k)
	}

	del := deleteTask(f.id("b1-delete"), done)
	require.NoError(t, d.Start(ctx, del))
	status(t, d, del.ID, drivers.Succeeded)
	assert.Empty(t, f.snapshotNames(), "only delete-artifacts deletes backup data")
}

func TestCleanupOfARunningBackupCancelsIt(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	f.ready("b1-1", "1Gi")
	require.NoError(t, d.Cleanup(ctx, task.ID))
	require.NoError(t, d.Cleanup(ctx, task.ID))
	_, err := d.Status(ctx, task.ID)
	requireCode(t, drivers.NotFound, err)
	assert.Equal(t, []string{"b1-1"}, f.snapshotNames(), "the snapshot not ready is deleted, the usable one kept")
	require.NoError(t, d.Cleanup(ctx, f.id("unknown")))
}
