package csi

import (
	"context"
	"fmt"
	"sort"
	"time"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// backupStatus reports a backup task from its VolumeSnapshots in namespace
// ns (every namespace when ns is empty).
func (d *Driver) backupStatus(ctx context.Context, id, ns string) (*drivers.TaskStatus, error) {
	snaps, err := d.statusSnapshots(ctx, id, ns)
	if err != nil {
		return nil, err
	}
	if end := d.endOf(id); end != nil {
		return failedStatus(id, startOf(snaps), *end), nil
	}
	if len(snaps) == 0 {
		return nil, drivers.Errorf(drivers.NotFound, "csi: no task %s", id)
	}
	phase, end := d.judge(snaps)
	switch phase {
	case drivers.Succeeded:
		return succeeded(id, snaps), nil
	case drivers.Failed:
		return failedStatus(id, startOf(snaps), d.stopBackup(ctx, id, snaps, *end)), nil
	case drivers.Pending:
		return nil, drivers.Errorf(drivers.NotFound, "csi: task %s has %d of its %d VolumeSnapshots; start it again",
			id, len(snaps), countOf(&snaps[0].ObjectMeta))
	}
	return &drivers.TaskStatus{ID: id, Phase: drivers.Running, StartTime: startOf(snaps)}, nil
}

// judge decides where a backup task is from its snapshots: Failed (with
// why) when one was stopped, reports an error or is not ready past the
// deadline; Succeeded when all are ready; Pending when some are missing (an
// unfinished Start); Running otherwise.
func (d *Driver) judge(snaps []snapshotv1.VolumeSnapshot) (drivers.Phase, *outcome) {
	if end := stoppedOutcome(snaps); end != nil {
		return drivers.Failed, end
	}
	if len(snaps) < countOf(&snaps[0].ObjectMeta) {
		return drivers.Pending, nil
	}
	now := d.opts.Clock.Now()
	notReady := 0
	for i := range snaps {
		vs := &snaps[i]
		if isReady(vs) {
			continue
		}
		notReady++
		if vs.Status != nil && vs.Status.Error != nil {
			msg := "snapshot failed"
			if m := vs.Status.Error.Message; m != nil && *m != "" {
				msg = *m
			}
			return drivers.Failed, &outcome{code: drivers.Unknown, at: now,
				msg: fmt.Sprintf("VolumeSnapshot %s/%s: %s", vs.Namespace, vs.Name, msg)}
		}
	}
	if notReady == 0 {
		return drivers.Succeeded, nil
	}
	if dl := deadlineOf(snaps); !dl.IsZero() && now.After(dl) {
		return drivers.Failed, &outcome{code: drivers.DeadlineExceeded, at: now,
			msg: fmt.Sprintf("%d of %d VolumeSnapshots not ready by the deadline %s", notReady, len(snaps), dl.Format(time.RFC3339))}
	}
	return drivers.Running, nil
}

// succeeded reports a backup task whose snapshots are all ready.
func succeeded(id string, snaps []snapshotv1.VolumeSnapshot) *drivers.TaskStatus {
	st := &drivers.TaskStatus{ID: id, Phase: drivers.Succeeded, StartTime: startOf(snaps)}
	for i := range snaps {
		vs := &snaps[i]
		s := drivers.Snapshot{VolumeSnapshotName: vs.Name}
		if c := vs.Spec.Source.PersistentVolumeClaimName; c != nil {
			s.SourceClaim = *c
		}
		if c := vs.Status.BoundVolumeSnapshotContentName; c != nil {
			s.VolumeSnapshotContentName = *c
		}
		if q := vs.Status.RestoreSize; q != nil {
			s.RestoreSize = q.Value()
		}
		st.Snapshots = append(st.Snapshots, s)
		st.TotalSize += s.RestoreSize
		done := vs.CreationTimestamp.Time
		if t := vs.Status.CreationTime; t != nil {
			done = t.Time
		}
		if done.After(st.CompletionTime) {
			st.CompletionTime = done
		}
	}
	return st
}

// taskSnapshots lists the VolumeSnapshots of task id, in the order of the
// task's claims.
func (d *Driver) taskSnapshots(ctx context.Context, id, ns string) ([]snapshotv1.VolumeSnapshot, error) {
	list, err := d.snap.SnapshotV1().VolumeSnapshots(ns).List(ctx, taskSelector(id))
	if err != nil {
		return nil, apiError("list VolumeSnapshots of task "+id, err)
	}
	sortSnapshots(list.Items)
	return list.Items, nil
}

// sortSnapshots puts snaps in the order of the task's claims.
func sortSnapshots(snaps []snapshotv1.VolumeSnapshot) {
	sort.Slice(snaps, func(i, j int) bool {
		a, b := indexOf(&snaps[i].ObjectMeta), indexOf(&snaps[j].ObjectMeta)
		if a != b {
			return a < b
		}
		return snaps[i].Name < snaps[j].Name
	})
}

func isReady(vs *snapshotv1.VolumeSnapshot) bool {
	return vs.Status != nil && vs.Status.ReadyToUse != nil && *vs.Status.ReadyToUse
}

// startOf is when the first of snaps was created; zero for none.
func startOf(snaps []snapshotv1.VolumeSnapshot) time.Time {
	var start time.Time
	for i := range snaps {
		if t := snaps[i].CreationTimestamp.Time; start.IsZero() || t.Before(start) {
			start = t
		}
	}
	return start
}

// deadlineOf is the deadline recorded on snaps; zero for none.
func deadlineOf(snaps []snapshotv1.VolumeSnapshot) time.Time {
	for i := range snaps {
		if s := snaps[i].Annotations[v1alpha1.AnnotationTaskDeadline]; s != "" {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
