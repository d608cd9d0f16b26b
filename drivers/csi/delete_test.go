package csi_test

import (
	"context"
	"testing"
	"time"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// deleteTask is the delete-artifacts task of the Backup of backup task b, as
// policy.ResolveDeletion makes it (no target: the owner's namespace).
func deleteTask(id string, b *drivers.Task) *drivers.Task {
	return &drivers.Task{
		ID: id, Kind: drivers.KindDeleteArtifacts, BackupType: v1alpha1.BackupTypeSnapshot, Owner: b.Owner,
		Labels:   map[string]string{v1alpha1.LabelBackupName: b.Owner.Name},
		Snapshot: &drivers.SnapshotSpec{Name: b.Snapshot.Name},
	}
}

// foreignSnapshot creates a VolumeSnapshot the driver did not make.
func (f *fixture) foreignSnapshot(name string, labels map[string]string, refs ...metav1.OwnerReference) {
	f.t.Helper()
	claim := "data"
	vs := &snapshotv1.VolumeSnapshot{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: f.ns, Labels: labels, OwnerReferences: refs},
		Spec:       snapshotv1.VolumeSnapshotSpec{Source: snapshotv1.VolumeSnapshotSource{PersistentVolumeClaimName: &claim}},
	}
	_, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).Create(context.Background(), vs, metav1.CreateOptions{})
	require.NoError(f.t, err)
}

func TestDeleteArtifactsDeletesTheBackupsSnapshotsOnly(t *testing.T) {
	f := setup(t)
	f.claims("data", "log")
	d := newDriver(f, csi.Options{})
	backup := f.completedBackup(d, "b1", []string{"data", "log"}, "1Gi", "1Gi")
	// Another Backup of the same name (deleted and made again) and someone else's snapshot.
	f.foreignSnapshot("b1-old", map[string]string{v1alpha1.LabelBackupName: "b1", v1alpha1.LabelOwnerUID: "another-uid"})
	f.foreignSnapshot("mine", nil)
	// A snapshot of the upstream controller: named after the Backup, owned by it.
	upstream := f.owner("Backup", "up")
	f.foreignSnapshot("up", map[string]string{v1alpha1.LabelBackupName: "up"})
	f.foreignSnapshot("up-log", map[string]string{v1alpha1.LabelBackupName: "up"},
		metav1.OwnerReference{APIVersion: "dataprotection.kubeblocks.io/v1alpha1", Kind: "Backup", Name: "up", UID: upstream.UID})
	ctx := context.Background()

	del := deleteTask(f.id("b1-delete"), backup)
	require.NoError(t, d.Start(ctx, del))
	st := status(t, d, del.ID, drivers.Succeeded)
	assert.False(t, st.CompletionTime.IsZero())
	assert.ElementsMatch(t, []string{"b1-old", "mine", "up", "up-log"}, f.snapshotNames())
	require.NoError(t, d.Start(ctx, del), "idempotent")
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, del), "idempotent after a restart")

	upTask := &drivers.Task{Owner: upstream, Snapshot: &drivers.SnapshotSpec{Name: "up"}}
	delUp := deleteTask(f.id("up-delete"), upTask)
	require.NoError(t, d.Start(ctx, delUp))
	status(t, d, delUp.ID, drivers.Succeeded)
	assert.ElementsMatch(t, []string{"b1-old", "mine"}, f.snapshotNames())
}

func TestDeleteArtifactsRunsUntilTheSnapshotsAreGone(t *testing.T) {
	f := setup(t)
	f.claims("data")
	start := time.Now()
	clock := clocktesting.NewFakePassiveClock(start)
	d := newDriver(f, csi.Options{Clock: clock})
	backup := f.completedBackup(d, "b1", []string{"data"}, "1Gi")
	ctx := context.Background()
	// The snapshot controller's finalizer holds the snapshot until the storage system deleted it.
	finalizers := func(v string) {
		_, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).Patch(ctx, "b1", types.MergePatchType,
			[]byte(`{"metadata":{"finalizers":`+v+`}}`), metav1.PatchOptions{})
		require.NoError(t, err)
	}
	finalizers(`["snapshot.storage.kubernetes.io/volumesnapshot-bound-protection"]`)

	del := deleteTask(f.id("b1-delete"), backup)
	del.Deadline = start.Add(time.Minute)
	require.NoError(t, d.Start(ctx, del))
	status(t, d, del.ID, drivers.Running)
	finalizers(`null`)
	status(t, d, del.ID, drivers.Succeeded)

	other := f.completedBackup(d, "b2", []string{"data"}, "1Gi")
	f.t.Cleanup(func() {
		_, _ = f.snap.SnapshotV1().VolumeSnapshots(f.ns).Patch(context.Background(), "b2", types.MergePatchType,
			[]byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	})
	_, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).Patch(ctx, "b2", types.MergePatchType,
		[]byte(`{"metadata":{"finalizers":["x.io/hold"]}}`), metav1.PatchOptions{})
	require.NoError(t, err)
	late := deleteTask(f.id("b2-delete"), other)
	late.Deadline = start.Add(time.Minute)
	require.NoError(t, d.Start(ctx, late))
	clock.SetTime(start.Add(2 * time.Minute))
	st := status(t, d, late.ID, drivers.Failed)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)

	cancelled := deleteTask(f.id("b2-delete-2"), other)
	require.NoError(t, d.Start(ctx, cancelled))
	require.NoError(t, d.Cancel(ctx, cancelled.ID))
	assert.Equal(t, drivers.Canceled, status(t, d, cancelled.ID, drivers.Failed).ErrorCode)
	require.NoError(t, d.Cleanup(ctx, cancelled.ID))
	_, err = d.Status(ctx, cancelled.ID)
	requireCode(t, drivers.NotFound, err)
}
