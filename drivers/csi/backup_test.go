package csi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestStartMakesOneSnapshotPerClaimWithLabelsOwnerAndClass(t *testing.T) {
	f := setup(t)
	f.claims("data-pg-0", "log-pg-0")
	owner := f.owner("Backup", "b1")
	task := f.backupTask("b1-a0-main", owner, "data-pg-0", "log-pg-0")
	task.Deadline = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, newDriver(f, csi.Options{}).Start(context.Background(), task))

	assert.ElementsMatch(t, []string{"b1", "b1-1"}, f.snapshotNames())
	for i, claim := range task.Snapshot.Claims {
		vs := f.getSnapshot(csi.SnapshotName("b1", i))
		assert.Equal(t, claim, *vs.Spec.Source.PersistentVolumeClaimName)
		assert.Nil(t, vs.Spec.VolumeSnapshotClassName, "no class: the cluster's default")
		assert.Equal(t, map[string]string{
			v1alpha1.LabelBackupName: "b1", v1alpha1.LabelBackupType: "snapshot",
			v1alpha1.LabelTaskID: task.ID, v1alpha1.LabelOwnerUID: string(owner.UID),
		}, vs.Labels)
		require.Len(t, vs.OwnerReferences, 1)
		ref := vs.OwnerReferences[0]
		assert.Equal(t, metav1.OwnerReference{APIVersion: "dataprotection.kubeblocks.io/v1alpha1", Kind: "Backup",
			Name: "b1", UID: owner.UID}, ref)
		assert.Equal(t, "2030-01-02T03:04:05Z", vs.Annotations[v1alpha1.GroupName+"/task-deadline"])
	}
}

func TestSnapshotClassComesFromTheTaskThenTheOptions(t *testing.T) {
	f := setup(t)
	f.claims("data")
	cases := []struct {
		name       string
		taskClass  string
		driverOpts csi.Options
		want       *string
	}{
		{"neither: the cluster default", "", csi.Options{}, nil},
		{"the driver's option", "", csi.Options{SnapshotClassName: "csi-hostpath"}, ptrTo("csi-hostpath")},
		{"the task's class wins", "gold", csi.Options{SnapshotClassName: "csi-hostpath"}, ptrTo("gold")},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			owner := f.owner("Backup", "class-"+string(rune('a'+i)))
			task := f.backupTask(owner.Name+"-main", owner, "data")
			task.Snapshot.ClassName = tc.taskClass
			require.NoError(t, newDriver(f, tc.driverOpts).Start(context.Background(), task))
			assert.Equal(t, tc.want, f.getSnapshot(owner.Name).Spec.VolumeSnapshotClassName)
		})
	}
}

func TestOwnerReferenceIsLeftOffWhenAskedOrAcrossNamespaces(t *testing.T) {
	f := setup(t)
	f.claims("data")
	owner := f.owner("Backup", "b-omit")
	require.NoError(t, newDriver(f, csi.Options{OmitOwnerReferences: true}).Start(context.Background(), f.backupTask("omit-main", owner, "data")))
	assert.Empty(t, f.getSnapshot("b-omit").OwnerReferences)

	other := f.owner("Backup", "b-other-ns")
	other.Namespace = "elsewhere"
	task := f.backupTask("other-ns-main", other, "data")
	require.NoError(t, newDriver(f, csi.Options{}).Start(context.Background(), task))
	assert.Empty(t, f.getSnapshot("b-other-ns").OwnerReferences, "an owner reference cannot cross namespaces")
}

func TestStartIsIdempotentAcrossCallsAndDrivers(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	ctx := context.Background()
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, task))
	uid := f.getSnapshot("b1").UID
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, task), "a new driver adopts the snapshots")
	d := newDriver(f, csi.Options{})
	require.NoError(t, d.Start(ctx, task))
	require.NoError(t, d.Start(ctx, task))
	assert.ElementsMatch(t, []string{"b1", "b1-1"}, f.snapshotNames())
	assert.Equal(t, uid, f.getSnapshot("b1").UID, "the snapshot was not made again")
}

func TestBackupRunsUntilEverySnapshotIsReadyThenReportsThem(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	require.NoError(t, d.Start(context.Background(), task))
	st := status(t, d, task.ID, drivers.Running)
	assert.False(t, st.StartTime.IsZero())

	dataContent := f.ready("b1", "5Gi")
	status(t, d, task.ID, drivers.Running)
	logContent := f.ready("b1-1", "1Gi")

	st = status(t, d, task.ID, drivers.Succeeded)
	assert.Equal(t, []drivers.Snapshot{
		{VolumeSnapshotName: "b1", VolumeSnapshotContentName: dataContent, SourceClaim: "data", RestoreSize: 5 << 30},
		{VolumeSnapshotName: "b1-1", VolumeSnapshotContentName: logContent, SourceClaim: "log", RestoreSize: 1 << 30},
	}, st.Snapshots)
	assert.Equal(t, int64(6<<30), st.TotalSize)
	assert.Equal(t, task.ID, st.ID)
	assert.False(t, st.CompletionTime.Before(st.StartTime))
}

func TestSnapshotErrorFailsTheTaskAtOnceWithItsMessage(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	require.NoError(t, d.Start(context.Background(), task))
	f.ready("b1", "1Gi")
	f.fail("b1-1", "Failed to check and update snapshot content: no default snapshot class")

	st := status(t, d, task.ID, drivers.Failed)
	assert.Contains(t, st.Message, "VolumeSnapshot "+f.ns+"/b1-1: Failed to check and update snapshot content: no default snapshot class")
	assert.Equal(t, drivers.Unknown, st.ErrorCode)
	assert.Equal(t, []string{"b1"}, f.snapshotNames(), "the failed snapshot is deleted; the ready one stays")

	again := status(t, newDriver(f, csi.Options{}), task.ID, drivers.Failed)
	assert.Equal(t, st.Message, again.Message, "the failure outlives a restart")
	assert.Equal(t, st.Message, status(t, d, task.ID, drivers.Failed).Message, "the failure is stable")
}

func TestBackupPastItsDeadlineFailsWithDeadlineExceeded(t *testing.T) {
	f := setup(t)
	f.claims("data")
	start := time.Now()
	clock := clocktesting.NewFakePassiveClock(start)
	d := newDriver(f, csi.Options{Clock: clock})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data")
	task.Deadline = start.Add(time.Hour)
	require.NoError(t, d.Start(context.Background(), task))
	status(t, d, task.ID, drivers.Running)

	clock.SetTime(start.Add(time.Hour + time.Second))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.Contains(t, st.Message, "not ready by the deadline")
	assert.Empty(t, f.snapshotNames(), "the snapshot that was not ready is deleted")
}

func TestStatusWorksFromANewDriverAfterARestart(t *testing.T) {
	f := setup(t)
	f.claims("data")
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data")
	require.NoError(t, newDriver(f, csi.Options{}).Start(context.Background(), task))

	restarted := newDriver(f, csi.Options{})
	status(t, restarted, task.ID, drivers.Running)
	f.ready("b1", "2Gi")
	st := status(t, restarted, task.ID, drivers.Succeeded)
	assert.Equal(t, int64(2<<30), st.TotalSize)
}

func TestATaskLeftHalfStartedIsNotFoundUntilStartCompletesIt(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data", "log")
	ctx := context.Background()
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, task))
	// As if the process had died between the two creates.
	require.NoError(t, f.snap.SnapshotV1().VolumeSnapshots(f.ns).Delete(ctx, "b1-1", metav1.DeleteOptions{}))

	d := newDriver(f, csi.Options{})
	_, err := d.Status(ctx, task.ID)
	requireCode(t, drivers.NotFound, err)
	require.NoError(t, d.Start(ctx, task))
	status(t, d, task.ID, drivers.Running)
	assert.ElementsMatch(t, []string{"b1", "b1-1"}, f.snapshotNames())
}

func TestASnapshotOfAnEarlierAttemptIsReplacedAndAStrangersIsNot(t *testing.T) {
	f := setup(t)
	f.claims("data")
	ctx := context.Background()
	owner := f.owner("Backup", "b1")
	d := newDriver(f, csi.Options{})
	first := f.backupTask("b1-a0-main", owner, "data")
	require.NoError(t, d.Start(ctx, first))
	f.fail("b1", "boom")
	status(t, d, first.ID, drivers.Failed)
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, first),
		"after a restart the failed attempt is started again")
	old := f.getSnapshot("b1")

	retry := f.backupTask("b1-a1-main", owner, "data")
	require.NoError(t, d.Start(ctx, retry))
	vs := f.getSnapshot("b1")
	assert.NotEqual(t, old.UID, vs.UID)
	assert.Equal(t, retry.ID, vs.Labels[v1alpha1.LabelTaskID])

	stranger := f.backupTask("b2-main", f.owner("Backup", "b1"), "data") // same name, another Backup
	err := d.Start(ctx, stranger)
	requireCode(t, drivers.AlreadyExists, err)
	assert.Equal(t, vs.UID, f.getSnapshot("b1").UID, "a snapshot that is not ours is left alone")
}

func TestStartRejectsTasksItCannotRun(t *testing.T) {
	f := setup(t)
	d := newDriver(f, csi.Options{})
	owner := f.owner("Backup", "b1")
	mutate := func(m func(*drivers.Task)) *drivers.Task {
		task := f.backupTask("b1-main", owner, "data")
		m(task)
		return task
	}
	cases := []struct {
		name string
		task *drivers.Task
		want drivers.Code
	}{
		{"no task", nil, drivers.InvalidArgument},
		{"no claims", mutate(func(t *drivers.Task) { t.Snapshot.Claims = nil }), drivers.InvalidArgument},
		{"no snapshot", mutate(func(t *drivers.Task) { t.Snapshot = nil }), drivers.InvalidArgument},
		{"an ID that is not a DNS label", mutate(func(t *drivers.Task) { t.ID = "B1_main" }), drivers.InvalidArgument},
		{"a bad snapshot name", mutate(func(t *drivers.Task) { t.Snapshot.Name = "B1" }), drivers.InvalidArgument},
		{"no namespace", mutate(func(t *drivers.Task) { t.Target.Namespace, t.Owner.Namespace = "", "" }), drivers.InvalidArgument},
		{"a datafile backup", mutate(func(t *drivers.Task) {
			t.BackupType, t.Storage = v1alpha1.BackupTypeDataFile, &drivers.Storage{ClaimName: "c", Path: "b1"}
		}), drivers.Unimplemented},
		{"a hook without a runner", mutate(func(t *drivers.Task) { t.Kind = drivers.KindHook }), drivers.Unimplemented},
		{"a claim that does not exist", mutate(func(*drivers.Task) {}), drivers.FailedPrecondition},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, tc.want, d.Start(context.Background(), tc.task))
		})
	}
	assert.Empty(t, f.snapshotNames())
	_, err := d.Status(context.Background(), f.id("b1-main"))
	requireCode(t, drivers.NotFound, err)
}

func ptrTo(s string) *string { return &s }

func TestStartMakesAgainASnapshotDeletedUnderARunningTask(t *testing.T) {
	f := setup(t)
	f.claims("data")
	d := newDriver(f, csi.Options{})
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	require.NoError(t, f.snap.SnapshotV1().VolumeSnapshots(f.ns).Delete(ctx, "b1", metav1.DeleteOptions{}))
	notFound(t, d, task.ID, "once the driver sees the deletion, the engine starts the task again")
	require.NoError(t, d.Start(ctx, task))
	status(t, d, task.ID, drivers.Running)
}
