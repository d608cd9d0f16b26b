package csi

import (
	"context"
	"fmt"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// startRestore creates one claim per name of the task's claims, each from
// its snapshot, adopting those the task (or an earlier attempt of its
// owner) made before. It checks every claim before it writes anything, so a
// task that cannot run leaves no claims behind.
func (d *Driver) startRestore(ctx context.Context, t *drivers.Task) error {
	ns := namespaceOf(t)
	steps := make([]func() error, 0, len(t.Snapshot.Claims))
	for i, claim := range t.Snapshot.Claims {
		step, err := d.planClaim(ctx, t, ns, i, claim)
		if err != nil {
			return err
		}
		steps = append(steps, step)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	d.remember(t.ID, &record{kind: drivers.KindRestore, namespace: ns})
	return nil
}

// planClaim checks the claim at index i of restore task t and returns what
// makes it the task's: nothing, a relabel, or a create.
func (d *Driver) planClaim(ctx context.Context, t *drivers.Task, ns string, i int, claim string) (func() error, error) {
	pvcs := d.kube.CoreV1().PersistentVolumeClaims(ns)
	snapName := SnapshotName(t.Snapshot.Name, i)
	cur, err := pvcs.Get(ctx, claim, metav1.GetOptions{})
	switch {
	case err == nil:
		return d.adoptClaim(ctx, t, cur, i, snapName)
	case !apierrors.IsNotFound(err):
		return nil, apiError(fmt.Sprintf("get PersistentVolumeClaim %s/%s", ns, claim), err)
	}
	want, err := d.newClaim(ctx, t, ns, i, claim, snapName)
	if err != nil {
		return nil, err
	}
	return func() error {
		created, err := pvcs.Create(ctx, want, metav1.CreateOptions{})
		switch {
		case err == nil:
			d.wroteClaim(created)
			d.log.V(1).Info("created PersistentVolumeClaim from a VolumeSnapshot", "claim", ns+"/"+claim,
				"volumeSnapshot", snapName, "task", t.ID)
			return nil
		case apierrors.IsAlreadyExists(err):
			return drivers.Errorf(drivers.Conflict, "csi: PersistentVolumeClaim %s/%s was created concurrently; start task %s again: %w",
				ns, claim, t.ID, err)
		}
		return apiError(fmt.Sprintf("create PersistentVolumeClaim %s/%s", ns, claim), err)
	}, nil
}

// adoptClaim accepts an existing claim made by the task, or by an earlier
// attempt of its owner from the same snapshot (it is relabelled as the
// task's); any other claim of that name is an AlreadyExists error: the
// driver never restores over a claim it did not make.
func (d *Driver) adoptClaim(ctx context.Context, t *drivers.Task, cur *corev1.PersistentVolumeClaim, i int, snapName string) (func() error, error) {
	if cur.Labels[v1alpha1.LabelTaskID] == t.ID {
		return func() error { return nil }, nil
	}
	src := cur.Spec.DataSource
	fromSnap := src != nil && src.Kind == snapshotKind && src.Name == snapName
	if t.Owner.UID == "" || cur.Labels[v1alpha1.LabelOwnerUID] != string(t.Owner.UID) || !fromSnap {
		return nil, drivers.Errorf(drivers.AlreadyExists, "csi: PersistentVolumeClaim %s/%s exists and was not restored from VolumeSnapshot %s by %s %s/%s",
			cur.Namespace, cur.Name, snapName, t.Owner.Kind, t.Owner.Namespace, t.Owner.Name)
	}
	ann := map[string]any{}
	for k, v := range objectAnnotations(t, i) {
		ann[k] = v
	}
	patch := map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelTaskID: t.ID}, "annotations": ann}}
	return func() error { return d.patchClaim(ctx, cur, patch) }, nil
}

// newClaim is the claim at index i of restore task t, restored from the
// VolumeSnapshot snapName, which must be ready to use.
func (d *Driver) newClaim(ctx context.Context, t *drivers.Task, ns string, i int, claim, snapName string) (*corev1.PersistentVolumeClaim, error) {
	vs, err := d.snap.SnapshotV1().VolumeSnapshots(ns).Get(ctx, snapName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "csi: VolumeSnapshot %s/%s to restore claim %s from does not exist",
			ns, snapName, claim)
	}
	if err != nil {
		return nil, apiError(fmt.Sprintf("get VolumeSnapshot %s/%s", ns, snapName), err)
	}
	if !isReady(vs) {
		why := ""
		if vs.Status != nil && vs.Status.Error != nil && vs.Status.Error.Message != nil {
			why = ": " + *vs.Status.Error.Message
		}
		return nil, drivers.Errorf(drivers.FailedPrecondition, "csi: VolumeSnapshot %s/%s to restore claim %s from is not ready to use%s",
			ns, snapName, claim, why)
	}
	source, err := d.sourceClaim(ctx, vs)
	if err != nil {
		return nil, err
	}
	spec, err := claimSpec(vs, source)
	if err != nil {
		return nil, err
	}
	return &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: claim, Namespace: ns, Labels: objectLabels(t), Annotations: objectAnnotations(t, i)},
		Spec:       spec,
	}, nil
}

// sourceClaim returns the claim vs was taken of, or nil when it is gone.
func (d *Driver) sourceClaim(ctx context.Context, vs *snapshotv1.VolumeSnapshot) (*corev1.PersistentVolumeClaim, error) {
	name := vs.Spec.Source.PersistentVolumeClaimName
	if name == nil || *name == "" {
		return nil, nil
	}
	pvc, err := d.kube.CoreV1().PersistentVolumeClaims(vs.Namespace).Get(ctx, *name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, apiError(fmt.Sprintf("get PersistentVolumeClaim %s/%s", vs.Namespace, *name), err)
	}
	return pvc, nil
}

// claimSpec is the spec of a claim restored from vs: the snapshot's restore
// size (else the source claim's request), and the source claim's access
// modes, storage class and volume mode when it still exists.
func claimSpec(vs *snapshotv1.VolumeSnapshot, source *corev1.PersistentVolumeClaim) (corev1.PersistentVolumeClaimSpec, error) {
	var size resource.Quantity
	if q := vs.Status.RestoreSize; q != nil {
		size = q.DeepCopy()
	}
	if size.IsZero() && source != nil {
		size = source.Spec.Resources.Requests[corev1.ResourceStorage]
	}
	if size.IsZero() {
		return corev1.PersistentVolumeClaimSpec{}, drivers.Errorf(drivers.FailedPrecondition,
			"csi: VolumeSnapshot %s/%s has no restoreSize and its source claim is gone", vs.Namespace, vs.Name)
	}
	group := snapshotGroup
	spec := corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
		DataSource:  &corev1.TypedLocalObjectReference{APIGroup: &group, Kind: snapshotKind, Name: vs.Name},
	}
	if source != nil {
		if len(source.Spec.AccessModes) > 0 {
			spec.AccessModes = append([]corev1.PersistentVolumeAccessMode(nil), source.Spec.AccessModes...)
		}
		spec.StorageClassName = source.Spec.StorageClassName
		spec.VolumeMode = source.Spec.VolumeMode
	}
	return spec, nil
}
