package executor

import (
	"context"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// runBackup drives the tasks of an InProgress Backup in order, writing what
// finished tasks report into its status.
func (e *Executor) runBackup(ctx context.Context, b *v1alpha1.Backup) (Result, error) {
	in, plan, res, err := e.planBackup(ctx, b)
	if in == nil {
		return res, err
	}
	status := b.Status.DeepCopy()
	for i := range plan.Tasks {
		out, err := e.drive(ctx, &plan.Tasks[i])
		if err != nil {
			return Result{}, err
		}
		e.observeProgress(b, out)
		switch out.state {
		case taskRunning:
			return e.poll(), e.saveProgress(ctx, b, status)
		case taskFailed:
			return e.failRun(ctx, b, in, out.reason)
		}
		if err := applyResult(status, plan, i, out.status); err != nil {
			return e.failRun(ctx, b, in, err.Error())
		}
	}
	return e.completeBackup(ctx, b, status)
}

// saveProgress writes the status updates of the tasks finished so far.
func (e *Executor) saveProgress(ctx context.Context, b *v1alpha1.Backup, status *v1alpha1.BackupStatus) error {
	_, err := e.updateBackupStatus(ctx, b, func(s *v1alpha1.BackupStatus) { *s = *status })
	return err
}

// applyResult writes what task i of the plan reported into status.
func applyResult(status *v1alpha1.BackupStatus, plan *policy.BackupPlan, i int, st *drivers.TaskStatus) error {
	pt := &plan.Tasks[i]
	switch {
	case pt.Task.Kind == drivers.KindStatusUpdate:
		output, err := policy.TaskOutput(st, true)
		if err != nil {
			return fmt.Errorf("backupStatusUpdates: status update %w", err)
		}
		if err := policy.ApplyStatusUpdate(status, pt.StatusPath, output); err != nil {
			return fmt.Errorf("backupStatusUpdates: %w", err)
		}
	case i == plan.Main:
		return applyMainResult(status, st)
	}
	return nil
}

// applyMainResult records the main task's size, checksum, snapshots, and
// its JSON output, which is merged under status.manifests (a tool may print
// {"backupTool":{"CheckPoint":"..."},"userContext":{...}}).
func applyMainResult(status *v1alpha1.BackupStatus, st *drivers.TaskStatus) error {
	output, err := policy.TaskOutput(st, false)
	if err != nil {
		return fmt.Errorf("backup tool %w", err)
	}
	if len(output) > 0 {
		if err := policy.ApplyStatusUpdate(status, "manifests", output); err != nil {
			return fmt.Errorf("backup tool output: %w", err)
		}
	}
	if status.Manifests == nil {
		status.Manifests = &v1alpha1.ManifestsStatus{}
	}
	m := status.Manifests
	size := formatBytes(st.TotalSize)
	status.TotalSize = size
	if len(st.Snapshots) > 0 {
		m.BackupSnapshot = &v1alpha1.BackupSnapshotStatus{VolumeSnapshotName: st.Snapshots[0].VolumeSnapshotName,
			VolumeSnapshotContentName: st.Snapshots[0].VolumeSnapshotContentName}
	}
	if len(st.Artifacts) > 0 {
		if m.BackupTool == nil {
			m.BackupTool = &v1alpha1.BackupToolManifestsStatus{}
		}
		m.BackupTool.UploadTotalSize = size
		m.BackupTool.CheckSum = drivers.AggregateChecksum(st.Artifacts)
	}
	if st.Repository != nil {
		applyRepositoryResult(status, st.Repository)
	}
	return nil
}

// failRun retries a failed run while onFailAttempted allows (by bumping the
// attempt, so the next run's tasks get new IDs), and fails the Backup after.
func (e *Executor) failRun(ctx context.Context, b *v1alpha1.Backup, in *backupInputs, reason string) (Result, error) {
	retries := in.retries
	if in.Attempt >= retries {
		return e.failBackup(ctx, b, "BackupFailed", reason)
	}
	setAnnotation(b, v1alpha1.AnnotationAttempt, strconv.Itoa(in.Attempt+1))
	next := in.BackupInputs
	next.Attempt++
	if plan, err := policy.ResolveBackup(next); err == nil {
		e.recordTasks(b, plan.Tasks) // the next run's, in the same write
	}
	out, err := e.store.Backups().Update(ctx, b)
	if err != nil {
		return Result{}, err
	}
	e.events.Eventf(out, corev1.EventTypeWarning, "RetryingBackup", "attempt %d of %d failed: %s",
		in.Attempt+1, retries+1, reason)
	return Result{RequeueAfter: e.opts.RetryDelay}, nil
}

func (e *Executor) completeBackup(ctx context.Context, b *v1alpha1.Backup, status *v1alpha1.BackupStatus) (Result, error) {
	now := metav1.NewTime(e.now())
	out, err := e.updateBackupStatus(ctx, b, func(s *v1alpha1.BackupStatus) {
		*s = *status
		s.Phase = v1alpha1.BackupCompleted
		s.CompletionTimestamp = &now
		s.Duration = &metav1.Duration{Duration: now.Sub(s.StartTimestamp.Time)}
		if b.Spec.BackupType == v1alpha1.BackupTypeLogFile && s.Manifests != nil {
			if s.Manifests.BackupLog == nil {
				s.Manifests.BackupLog = &v1alpha1.BackupLogStatus{}
			}
			if s.Manifests.BackupLog.StartTime == nil {
				s.Manifests.BackupLog.StartTime = s.StartTimestamp
			}
			if s.Manifests.BackupLog.StopTime == nil {
				s.Manifests.BackupLog.StopTime = &now
			}
		}
	})
	if err != nil {
		return Result{}, err
	}
	e.events.Eventf(out, corev1.EventTypeNormal, "Completed", "backup completed: %s bytes in %s%s",
		out.Status.TotalSize, out.Status.Duration.Duration, storedWhere(out))
	e.metrics.backupDuration.WithLabelValues(string(b.Spec.BackupType), string(v1alpha1.BackupCompleted)).
		Observe(out.Status.Duration.Seconds())
	return Result{}, nil
}
