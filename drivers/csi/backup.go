package csi

import (
	"context"
	"fmt"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// startBackup makes one VolumeSnapshot per claim of the task, adopting those
// the task made before.
func (d *Driver) startBackup(ctx context.Context, t *drivers.Task) error {
	ns := namespaceOf(t)
	for i, claim := range t.Snapshot.Claims {
		if err := d.ensureSnapshot(ctx, t, d.newSnapshot(t, ns, i, claim)); err != nil {
			return err
		}
	}
	d.remember(t.ID, &record{kind: drivers.KindBackup, namespace: ns})
	return nil
}

// ensureSnapshot creates want unless the task made it before. A snapshot of
// that name left by an earlier attempt of the same owner is replaced.
func (d *Driver) ensureSnapshot(ctx context.Context, t *drivers.Task, want *snapshotv1.VolumeSnapshot) error {
	vsc := d.snap.SnapshotV1().VolumeSnapshots(want.Namespace)
	cur, err := vsc.Get(ctx, want.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return d.createSnapshot(ctx, t, want)
	case err != nil:
		return apiError(fmt.Sprintf("get VolumeSnapshot %s/%s", want.Namespace, want.Name), err)
	case cur.Labels[v1alpha1.LabelTaskID] == t.ID:
		return nil
	case t.Owner.UID == "" || cur.Labels[v1alpha1.LabelOwnerUID] != string(t.Owner.UID):
		return drivers.Errorf(drivers.AlreadyExists, "csi: VolumeSnapshot %s/%s exists and was not made by %s %s/%s",
			cur.Namespace, cur.Name, t.Owner.Kind, t.Owner.Namespace, t.Owner.Name)
	}
	d.log.Info("replacing the VolumeSnapshot of an earlier attempt", "volumeSnapshot", want.Namespace+"/"+want.Name,
		"task", t.ID, "earlierTask", cur.Labels[v1alpha1.LabelTaskID])
	if err := d.deleteSnapshot(ctx, cur); err != nil {
		return err
	}
	return d.createSnapshot(ctx, t, want)
}

// createSnapshot creates want after checking that its claim exists. When a
// snapshot of that name exists (being deleted, or made concurrently), it
// returns a Conflict error: Start is to be called again.
func (d *Driver) createSnapshot(ctx context.Context, t *drivers.Task, want *snapshotv1.VolumeSnapshot) error {
	claim := *want.Spec.Source.PersistentVolumeClaimName
	_, err := d.kube.CoreV1().PersistentVolumeClaims(want.Namespace).Get(ctx, claim, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return drivers.Errorf(drivers.FailedPrecondition, "csi: %s task %s: PersistentVolumeClaim %s/%s to snapshot does not exist",
			t.Kind, t.ID, want.Namespace, claim)
	}
	if err != nil {
		return apiError(fmt.Sprintf("get PersistentVolumeClaim %s/%s", want.Namespace, claim), err)
	}
	created, err := d.snap.SnapshotV1().VolumeSnapshots(want.Namespace).Create(ctx, want, metav1.CreateOptions{})
	switch {
	case err == nil:
		d.wroteSnapshot(created)
		d.log.V(1).Info("created VolumeSnapshot", "volumeSnapshot", want.Namespace+"/"+want.Name, "claim", claim, "task", t.ID)
		return nil
	case apierrors.IsAlreadyExists(err):
		return drivers.Errorf(drivers.Conflict, "csi: VolumeSnapshot %s/%s still exists; start task %s again: %w",
			want.Namespace, want.Name, t.ID, err)
	case apierrors.IsNotFound(err):
		return drivers.Errorf(drivers.FailedPrecondition, "csi: create VolumeSnapshot %s/%s (is the snapshot.storage.k8s.io/v1 API installed?): %w",
			want.Namespace, want.Name, err)
	}
	return apiError(fmt.Sprintf("create VolumeSnapshot %s/%s", want.Namespace, want.Name), err)
}

// newSnapshot is the VolumeSnapshot of the claim at index i of backup task t.
func (d *Driver) newSnapshot(t *drivers.Task, ns string, i int, claim string) *snapshotv1.VolumeSnapshot {
	vs := &snapshotv1.VolumeSnapshot{
		ObjectMeta: metav1.ObjectMeta{
			Name:        SnapshotName(t.Snapshot.Name, i),
			Namespace:   ns,
			Labels:      objectLabels(t),
			Annotations: objectAnnotations(t, i),
		},
		Spec: snapshotv1.VolumeSnapshotSpec{
			Source: snapshotv1.VolumeSnapshotSource{PersistentVolumeClaimName: &claim},
		},
	}
	class := t.Snapshot.ClassName
	if class == "" {
		class = d.opts.SnapshotClassName
	}
	if class != "" {
		vs.Spec.VolumeSnapshotClassName = &class
	}
	if o := t.Owner; o.Kind == "Backup" && o.UID != "" && o.Namespace == ns && !d.opts.OmitOwnerReferences {
		vs.OwnerReferences = []metav1.OwnerReference{{
			APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "Backup", Name: o.Name, UID: o.UID,
		}}
	}
	return vs
}

// deleteSnapshot deletes vs, unless it was replaced meanwhile; gone is fine.
func (d *Driver) deleteSnapshot(ctx context.Context, vs *snapshotv1.VolumeSnapshot) error {
	uid := vs.UID
	err := d.snap.SnapshotV1().VolumeSnapshots(vs.Namespace).Delete(ctx, vs.Name,
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		if d.watch != nil && err == nil {
			d.watch.snaps.Deleted(vs)
		}
		d.log.V(1).Info("deleted VolumeSnapshot", "volumeSnapshot", vs.Namespace+"/"+vs.Name)
		return nil
	}
	return apiError(fmt.Sprintf("delete VolumeSnapshot %s/%s", vs.Namespace, vs.Name), err)
}
