package csi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// completedBackup makes a snapshot backup of claims named name, ready with
// the given restore sizes, and returns its task.
func (f *fixture) completedBackup(d *csi.Driver, name string, claims []string, sizes ...string) *drivers.Task {
	f.t.Helper()
	task := f.backupTask(name+"-main", f.owner("Backup", name), claims...)
	require.NoError(f.t, d.Start(context.Background(), task))
	for i := range claims {
		f.ready(csi.SnapshotName(name, i), sizes[i])
	}
	status(f.t, d, task.ID, drivers.Succeeded)
	return task
}

func (f *fixture) restoreTask(id, snapshot string, claims ...string) *drivers.Task {
	owner := f.owner("RestoreJob", "r1")
	return &drivers.Task{
		ID: f.id(id), Kind: drivers.KindRestore, BackupType: v1alpha1.BackupTypeSnapshot, Owner: owner,
		Labels:   map[string]string{v1alpha1.LabelRestoreJobName: owner.Name},
		Target:   drivers.Target{Name: "pg-restored-0", Namespace: f.ns},
		Snapshot: &drivers.SnapshotSpec{Name: snapshot, Claims: claims},
	}
}

func (f *fixture) getClaim(name string) *corev1.PersistentVolumeClaim {
	f.t.Helper()
	pvc, err := f.kube.CoreV1().PersistentVolumeClaims(f.ns).Get(context.Background(), name, metav1.GetOptions{})
	require.NoError(f.t, err)
	return pvc
}

func TestRestoreMakesClaimsFromTheSnapshotsLikeTheirSources(t *testing.T) {
	f := setup(t)
	fast := "fast"
	f.claim("data", "10Gi", &fast, corev1.PersistentVolumeBlock, corev1.ReadWriteOnce, corev1.ReadWriteMany)
	f.claim("log", "2Gi", nil, corev1.PersistentVolumeFilesystem)
	f.claim("conf", "3Gi", &fast, corev1.PersistentVolumeFilesystem, corev1.ReadWriteMany)
	d := newDriver(f, csi.Options{})
	f.completedBackup(d, "b1", []string{"data", "log", "conf"}, "8Gi", "0", "1Gi")
	ctx := context.Background()
	f.deleteClaim("conf")

	task := f.restoreTask("r1-phy", "b1", "data-restored", "log-restored", "conf-restored")
	require.NoError(t, d.Start(ctx, task))

	data := f.getClaim("data-restored")
	assert.Equal(t, &corev1.TypedLocalObjectReference{APIGroup: ptrTo("snapshot.storage.k8s.io"), Kind: "VolumeSnapshot", Name: "b1"},
		data.Spec.DataSource)
	assert.Equal(t, "8Gi", storageOf(data), "the snapshot's restore size")
	assert.Equal(t, &fast, data.Spec.StorageClassName, "the source claim's class")
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteMany}, data.Spec.AccessModes)
	assert.Equal(t, corev1.PersistentVolumeBlock, *data.Spec.VolumeMode)
	assert.Equal(t, task.ID, data.Labels[v1alpha1.LabelTaskID])
	assert.Equal(t, "r1", data.Labels[v1alpha1.LabelRestoreJobName])
	assert.Empty(t, data.OwnerReferences, "restored data outlives the RestoreJob")

	log := f.getClaim("log-restored")
	assert.Equal(t, "b1-1", log.Spec.DataSource.Name)
	assert.Equal(t, "2Gi", storageOf(log), "no restore size: the source claim's request")

	conf := f.getClaim("conf-restored")
	assert.Equal(t, "b1-2", conf.Spec.DataSource.Name)
	assert.Equal(t, "1Gi", storageOf(conf))
	assert.Nil(t, conf.Spec.StorageClassName, "the source claim is gone: the default class")
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, conf.Spec.AccessModes)

	st := status(t, d, task.ID, drivers.Succeeded)
	assert.Equal(t, int64(11<<30), st.TotalSize)
	require.NoError(t, d.Start(ctx, task), "idempotent")
	require.NoError(t, newDriver(f, csi.Options{}).Start(ctx, task), "idempotent after a restart")
	assert.Equal(t, data.UID, f.getClaim("data-restored").UID)
	status(t, newDriver(f, csi.Options{}), task.ID, drivers.Succeeded)
}

func TestRestoreRefusesWhatItCannotRestore(t *testing.T) {
	f := setup(t)
	f.claims("data", "gone")
	d := newDriver(f, csi.Options{})
	f.completedBackup(d, "b1", []string{"data", "gone"}, "1Gi", "0")
	ctx := context.Background()
	f.deleteClaim("gone")
	notReady := f.backupTask("b2-main", f.owner("Backup", "b2"), "data")
	require.NoError(t, d.Start(ctx, notReady))
	f.claims("taken")

	cases := []struct {
		name string
		task *drivers.Task
		want drivers.Code
	}{
		{"a claim that exists and is not ours", f.restoreTask("r-taken", "b1", "taken"), drivers.AlreadyExists},
		{"a snapshot that does not exist", f.restoreTask("r-missing", "b9", "x"), drivers.FailedPrecondition},
		{"more claims than snapshots", f.restoreTask("r-more", "b1", "x0", "x1", "x2"), drivers.FailedPrecondition},
		{"a snapshot not ready", f.restoreTask("r-notready", "b2", "y"), drivers.FailedPrecondition},
		{"no restore size and no source claim", f.restoreTask("r-nosize", "b1", "z0", "z1"), drivers.FailedPrecondition},
		{"no claims", f.restoreTask("r-none", "b1"), drivers.InvalidArgument},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, tc.want, d.Start(ctx, tc.task))
		})
	}
	for _, id := range []string{"r-more", "r-nosize"} {
		_, err := d.Status(ctx, f.id(id))
		requireCode(t, drivers.NotFound, err, "a restore that cannot run leaves no claims")
	}
	assert.ElementsMatch(t, []string{"data", "taken"}, f.claimNames())
	assert.Empty(t, f.getClaim("taken").Spec.DataSource, "a claim that is not ours is left alone")
}

func TestCleanupOfARestoreKeepsTheClaims(t *testing.T) {
	f := setup(t)
	f.claims("data")
	d := newDriver(f, csi.Options{})
	f.completedBackup(d, "b1", []string{"data"}, "1Gi")
	task := f.restoreTask("r1-phy", "b1", "data-restored")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	for _, drv := range []*csi.Driver{d, newDriver(f, csi.Options{})} {
		require.NoError(t, drv.Cleanup(ctx, task.ID))
		_, err := drv.Status(ctx, task.ID)
		requireCode(t, drivers.NotFound, err)
	}
	pvc := f.getClaim("data-restored")
	assert.NotContains(t, pvc.Labels, v1alpha1.LabelTaskID)
	assert.Equal(t, "r1", pvc.Labels[v1alpha1.LabelRestoreJobName])
	require.NoError(t, d.Cancel(ctx, task.ID))
}

// deleteClaim deletes a claim for good: it plays the controller that
// removes the kubernetes.io/pvc-protection finalizer.
func (f *fixture) deleteClaim(name string) {
	f.t.Helper()
	ctx := context.Background()
	pvcs := f.kube.CoreV1().PersistentVolumeClaims(f.ns)
	_, err := pvcs.Patch(ctx, name, types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{})
	require.NoError(f.t, err)
	require.NoError(f.t, pvcs.Delete(ctx, name, metav1.DeleteOptions{}))
	_, err = pvcs.Get(ctx, name, metav1.GetOptions{})
	require.True(f.t, apierrors.IsNotFound(err), "claim %s is gone: %v", name, err)
}

func (f *fixture) claimNames() []string {
	f.t.Helper()
	list, err := f.kube.CoreV1().PersistentVolumeClaims(f.ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(f.t, err)
	names := []string{}
	for _, c := range list.Items {
		names = append(names, c.Name)
	}
	return names
}

func storageOf(pvc *corev1.PersistentVolumeClaim) string {
	q := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	return q.String()
}
