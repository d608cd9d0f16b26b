package csi

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
)

// restoreStatus reports a restore task from its claims in namespace ns
// (every namespace when ns is empty): Succeeded once they all exist, with
// the sum of their requested sizes as TotalSize. Binding them is the
// provisioner's work, which the task does not wait for.
func (d *Driver) restoreStatus(ctx context.Context, id, ns string) (*drivers.TaskStatus, error) {
	claims, err := d.statusClaims(ctx, id, ns)
	if err != nil {
		return nil, err
	}
	if len(claims) == 0 {
		return nil, drivers.Errorf(drivers.NotFound, "csi: no task %s", id)
	}
	if want := countOf(&claims[0].ObjectMeta); len(claims) < want {
		return nil, drivers.Errorf(drivers.NotFound, "csi: task %s has %d of its %d claims; start it again", id, len(claims), want)
	}
	st := &drivers.TaskStatus{ID: id, Phase: drivers.Succeeded}
	for i := range claims {
		c := &claims[i]
		if t := c.CreationTimestamp.Time; st.StartTime.IsZero() || t.Before(st.StartTime) {
			st.StartTime = t
		}
		if t := c.CreationTimestamp.Time; t.After(st.CompletionTime) {
			st.CompletionTime = t
		}
		q := c.Spec.Resources.Requests[corev1.ResourceStorage]
		st.TotalSize += q.Value()
	}
	return st, nil
}

func (d *Driver) taskClaims(ctx context.Context, id, ns string) ([]corev1.PersistentVolumeClaim, error) {
	list, err := d.kube.CoreV1().PersistentVolumeClaims(ns).List(ctx, taskSelector(id))
	if err != nil {
		return nil, apiError("list PersistentVolumeClaims of task "+id, err)
	}
	return list.Items, nil
}

// cleanupRestore removes the driver's label and annotations from the claims
// of a restore task; the claims, restored data, stay.
func (d *Driver) cleanupRestore(ctx context.Context, id, ns string) error {
	claims, err := d.taskClaims(ctx, id, ns)
	if err != nil {
		return err
	}
	for i := range claims {
		if err := d.patchClaim(ctx, &claims[i], unlabelPatch()); err != nil {
			return err
		}
	}
	return nil
}

// patchClaim applies a JSON merge patch to c; gone is fine.
func (d *Driver) patchClaim(ctx context.Context, c *corev1.PersistentVolumeClaim, patch map[string]any) error {
	data, err := json.Marshal(patch)
	if err != nil {
		return drivers.Errorf(drivers.Internal, "csi: patch: %w", err)
	}
	out, err := d.kube.CoreV1().PersistentVolumeClaims(c.Namespace).Patch(ctx, c.Name, types.MergePatchType, data, metav1.PatchOptions{})
	if err == nil {
		d.wroteClaim(out)
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return apiError(fmt.Sprintf("patch PersistentVolumeClaim %s/%s", c.Namespace, c.Name), err)
	}
	return nil
}
