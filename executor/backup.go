package executor

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// reconcileBackup moves the Backup namespace/name one step forward: add the
// finalizer, with its target and driver recorded when it resolves (one
// write); mark it InProgress; run its tasks in order (pre status updates, pre hooks, main,
// post hooks, post status updates); write the results and Completed, or
// retry a failed run (onFailAttempted) and at last write Failed. A Backup
// being deleted has its data deleted first. A missing Backup is not an error.
func (e *Executor) reconcileBackup(ctx context.Context, namespace, name string) (Result, error) {
	b, err := e.store.Backups().Get(ctx, namespace, name)
	if drivers.IsNotFound(err) {
		return Result{}, nil
	}
	if err != nil {
		return Result{}, err
	}
	switch {
	case b.DeletionTimestamp != nil:
		return e.deleteBackup(ctx, b)
	case b.Status.Phase.IsTerminal():
		return Result{}, nil
	case !hasFinalizer(b):
		return e.claimBackup(ctx, b)
	case b.Status.Phase == "" || b.Status.Phase == v1alpha1.BackupNew:
		return e.startBackup(ctx, b)
	default:
		return e.runBackup(ctx, b)
	}
}

// updateBackupStatus writes b's status after mutate, when it changed; its
// failureReason is cut to v1alpha1.MaxMessageLength bytes.
func (e *Executor) updateBackupStatus(ctx context.Context, b *v1alpha1.Backup, mutate func(*v1alpha1.BackupStatus)) (*v1alpha1.Backup, error) {
	next := b.DeepCopy()
	mutate(&next.Status)
	next.Status.FailureReason = v1alpha1.TruncateMessage(next.Status.FailureReason)
	if equality.Semantic.DeepEqual(b.Status, next.Status) {
		return b, nil
	}
	out, err := e.store.Backups().UpdateStatus(ctx, next)
	if err != nil {
		return nil, err
	}
	if next.Status.Phase != b.Status.Phase {
		e.metrics.backupPhases.WithLabelValues(string(b.Spec.BackupType), string(next.Status.Phase)).Inc()
	}
	return out, nil
}

// failBackup writes Failed with reason and emits a Warning event.
func (e *Executor) failBackup(ctx context.Context, b *v1alpha1.Backup, eventReason, reason string) (Result, error) {
	now := metav1.NewTime(e.now())
	out, err := e.updateBackupStatus(ctx, b, func(s *v1alpha1.BackupStatus) {
		s.Phase = v1alpha1.BackupFailed
		s.FailureReason = reason
		if s.StartTimestamp == nil {
			s.StartTimestamp = &now
		}
		s.CompletionTimestamp = &now
		s.Duration = &metav1.Duration{Duration: now.Sub(s.StartTimestamp.Time)}
	})
	if err != nil {
		return Result{}, err
	}
	e.events.Event(out, corev1.EventTypeWarning, eventReason, reason)
	e.log.Info("backup failed", "backup", key(b.Namespace, b.Name), "reason", reason)
	e.metrics.backupDuration.WithLabelValues(string(b.Spec.BackupType), string(v1alpha1.BackupFailed)).
		Observe(out.Status.Duration.Seconds())
	return Result{}, nil
}

func key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return fmt.Sprintf("%s/%s", namespace, name)
}
