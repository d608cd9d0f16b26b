package csi

import (
	"context"
	"fmt"
	"sort"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// startDelete deletes the VolumeSnapshots of the task's Backup. The task is
// tracked in memory; after a restart it is NotFound and started again.
func (d *Driver) startDelete(ctx context.Context, t *drivers.Task) error {
	snaps, err := d.backupSnapshots(ctx, t)
	if err != nil {
		return err
	}
	for i := range snaps {
		if snaps[i].DeletionTimestamp == nil {
			if err := d.deleteSnapshot(ctx, &snaps[i]); err != nil {
				return err
			}
		}
	}
	task := *t
	d.remember(t.ID, &record{kind: drivers.KindDeleteArtifacts, namespace: namespaceOf(t), task: &task, started: d.opts.Clock.Now()})
	return nil
}

// deleteStatus is Succeeded once the Backup's snapshots are gone (their
// finalizers, if any, removed by the snapshot controller).
func (d *Driver) deleteStatus(ctx context.Context, rec *record) (*drivers.TaskStatus, error) {
	id := rec.task.ID
	if end := d.endOf(id); end != nil {
		return failedStatus(id, rec.started, *end), nil
	}
	snaps, err := d.backupSnapshots(ctx, rec.task)
	if err != nil {
		return nil, err
	}
	now := d.opts.Clock.Now()
	switch dl := rec.task.Deadline; {
	case len(snaps) == 0:
		return &drivers.TaskStatus{ID: id, Phase: drivers.Succeeded, StartTime: rec.started, CompletionTime: now}, nil
	case !dl.IsZero() && now.After(dl):
		end := d.setEnd(id, drivers.KindDeleteArtifacts, rec.namespace, outcome{code: drivers.DeadlineExceeded, at: now,
			msg: fmt.Sprintf("%d VolumeSnapshots still exist at the deadline", len(snaps))})
		return failedStatus(id, rec.started, end), nil
	}
	return &drivers.TaskStatus{ID: id, Phase: drivers.Running, StartTime: rec.started}, nil
}

// cancelDelete marks an unfinished delete task cancelled; the deletions it
// asked for are not undone.
func (d *Driver) cancelDelete(ctx context.Context, rec *record) error {
	st, err := d.deleteStatus(ctx, rec)
	if err != nil || st.Phase.IsTerminal() {
		return err
	}
	d.setEnd(rec.task.ID, drivers.KindDeleteArtifacts, rec.namespace, outcome{code: drivers.Canceled, msg: "cancelled", at: d.opts.Clock.Now()})
	return nil
}

// backupSnapshots returns the VolumeSnapshots of the Backup of delete task t:
// those labelled with its UID, and those labelled with its name that it owns
// or that are named Task.Snapshot.Name (see owns).
func (d *Driver) backupSnapshots(ctx context.Context, t *drivers.Task) ([]snapshotv1.VolumeSnapshot, error) {
	ns := namespaceOf(t)
	vsc := d.snap.SnapshotV1().VolumeSnapshots(ns)
	found := map[string]snapshotv1.VolumeSnapshot{}
	var selectors []string
	if t.Owner.UID != "" {
		selectors = append(selectors, v1alpha1.LabelOwnerUID+"="+string(t.Owner.UID))
	}
	if len(validation.IsValidLabelValue(t.Owner.Name)) == 0 && t.Owner.Name != "" {
		selectors = append(selectors, v1alpha1.LabelBackupName+"="+t.Owner.Name)
	}
	for _, sel := range selectors {
		list, err := vsc.List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return nil, apiError(fmt.Sprintf("list VolumeSnapshots of Backup %s/%s", ns, t.Owner.Name), err)
		}
		for _, vs := range list.Items {
			if owns(&vs, t) {
				found[vs.Name] = vs
			}
		}
	}
	vs, err := vsc.Get(ctx, t.Snapshot.Name, metav1.GetOptions{})
	switch {
	case err == nil && owns(vs, t):
		found[vs.Name] = *vs
	case err != nil && !apierrors.IsNotFound(err):
		return nil, apiError(fmt.Sprintf("get VolumeSnapshot %s/%s", ns, t.Snapshot.Name), err)
	}
	out := make([]snapshotv1.VolumeSnapshot, 0, len(found))
	for _, vs := range found {
		out = append(out, vs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// owns reports whether vs belongs to the Backup of task t: it carries the
// Backup's UID (label or owner reference), or it carries no other Backup's
// UID, is named Task.Snapshot.Name and is labelled with the Backup's name
// (snapshots made by the upstream controller).
func owns(vs *snapshotv1.VolumeSnapshot, t *drivers.Task) bool {
	uid := string(t.Owner.UID)
	other := false
	if v, ok := vs.Labels[v1alpha1.LabelOwnerUID]; ok {
		if uid != "" && v == uid {
			return true
		}
		other = true
	}
	for _, r := range vs.OwnerReferences {
		if r.Kind == "Backup" {
			if uid != "" && string(r.UID) == uid {
				return true
			}
			other = true
		}
	}
	return !other && vs.Name == t.Snapshot.Name && vs.Labels[v1alpha1.LabelBackupName] == t.Owner.Name
}
