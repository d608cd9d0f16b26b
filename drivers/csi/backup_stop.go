package csi

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// stopBackup ends a backup task with end: it marks its snapshots with why
// (so the failure outlives a restart) and deletes those that are not ready
// (so the snapshot controller stops retrying them). The first failure
// recorded wins and is returned. Errors are logged: the snapshots left are
// deleted by Cleanup, the next attempt's Start or delete-artifacts.
func (d *Driver) stopBackup(ctx context.Context, id string, snaps []snapshotv1.VolumeSnapshot, end outcome) outcome {
	end = d.setEnd(id, drivers.KindBackup, snaps[0].Namespace, end)
	if err := d.stopSnapshots(ctx, snaps, end); err != nil {
		d.log.Error(err, "stop the VolumeSnapshots of a failed task", "task", id)
	}
	return end
}

func (d *Driver) stopSnapshots(ctx context.Context, snaps []snapshotv1.VolumeSnapshot, end outcome) error {
	for i := range snaps {
		vs := &snaps[i]
		if vs.Annotations[v1alpha1.AnnotationTaskStopped] != "" {
			continue
		}
		patch := map[string]any{"metadata": map[string]any{"annotations": map[string]any{
			v1alpha1.AnnotationTaskStopped: end.code.String(), v1alpha1.AnnotationTaskStoppedMessage: end.msg, v1alpha1.AnnotationTaskStoppedAt: end.at.UTC().Format(time.RFC3339Nano)}}}
		if err := d.patchSnapshot(ctx, vs, patch); err != nil {
			return err
		}
	}
	for i := range snaps {
		if !isReady(&snaps[i]) {
			if err := d.deleteSnapshot(ctx, &snaps[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// stoppedOutcome returns the failure recorded on snaps by stopSnapshots.
func stoppedOutcome(snaps []snapshotv1.VolumeSnapshot) *outcome {
	for i := range snaps {
		a := snaps[i].Annotations
		if a[v1alpha1.AnnotationTaskStopped] == "" {
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, a[v1alpha1.AnnotationTaskStoppedAt])
		code, _ := drivers.ParseCode(a[v1alpha1.AnnotationTaskStopped])
		return &outcome{code: code, msg: a[v1alpha1.AnnotationTaskStoppedMessage], at: at}
	}
	return nil
}

// cancelBackup stops a running backup task with Canceled. A task that
// failed is stopped with its own failure; a finished one is left alone.
func (d *Driver) cancelBackup(ctx context.Context, id, ns string) error {
	snaps, err := d.taskSnapshots(ctx, id, ns)
	if err != nil || len(snaps) == 0 || d.endOf(id) != nil {
		return err
	}
	phase, end := d.judge(snaps)
	switch phase {
	case drivers.Succeeded:
		return nil
	case drivers.Running, drivers.Pending:
		end = &outcome{code: drivers.Canceled, msg: "cancelled", at: d.opts.Clock.Now()}
	}
	kept := d.setEnd(id, drivers.KindBackup, snaps[0].Namespace, *end)
	return d.stopSnapshots(ctx, snaps, kept)
}

// cleanupBackup forgets a backup task in the cluster: it deletes the task's
// snapshots that are not ready, unless the task succeeded, and removes the
// driver's label and annotations from the others, which it keeps.
func (d *Driver) cleanupBackup(ctx context.Context, id, ns string) error {
	snaps, err := d.taskSnapshots(ctx, id, ns)
	if err != nil || len(snaps) == 0 {
		return err
	}
	phase, _ := d.judge(snaps)
	for i := range snaps {
		vs := &snaps[i]
		if phase != drivers.Succeeded && !isReady(vs) {
			err = d.deleteSnapshot(ctx, vs)
		} else {
			err = d.patchSnapshot(ctx, vs, unlabelPatch())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// unlabelPatch removes the driver's task label and bookkeeping annotations.
func unlabelPatch() map[string]any {
	ann := map[string]any{}
	for _, k := range bookkeeping {
		ann[k] = nil
	}
	return map[string]any{"metadata": map[string]any{"labels": map[string]any{v1alpha1.LabelTaskID: nil}, "annotations": ann}}
}

// patchSnapshot applies a JSON merge patch to vs; gone is fine.
func (d *Driver) patchSnapshot(ctx context.Context, vs *snapshotv1.VolumeSnapshot, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return drivers.Errorf(drivers.Internal, "csi: patch: %w", err)
	}
	out, err := d.snap.SnapshotV1().VolumeSnapshots(vs.Namespace).Patch(ctx, vs.Name, types.MergePatchType, data, metav1.PatchOptions{})
	if err == nil {
		d.wroteSnapshot(out)
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return apiError(fmt.Sprintf("patch VolumeSnapshot %s/%s", vs.Namespace, vs.Name), err)
	}
	return nil
}
