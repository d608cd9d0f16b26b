package executor

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/schedule"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// schedule creates the Backup of the most recent due slot of each enabled
// schedule, and returns the next slot of any schedule (zero for none).
func (e *Executor) schedule(ctx context.Context, p *v1alpha1.BackupPolicy, backups []*v1alpha1.Backup) (time.Time, error) {
	var next time.Time
	now := e.now()
	for _, t := range v1alpha1.BackupTypes {
		sp := p.SchedulePolicyFor(t)
		if sp == nil || !sp.Enable || !p.HasPolicyFor(t) {
			continue
		}
		s, err := e.crons.parse(sp.CronExpression)
		if err != nil {
			continue // validation already failed the policy for this
		}
		due := schedule.Due(s, lastSlot(p, t, backups), now)
		if !due.Slot.IsZero() {
			if err := e.createScheduled(ctx, p, t, due); err != nil {
				return time.Time{}, err
			}
		}
		next = earliest(next, due.Next)
	}
	return next, nil
}

// lastSlot is the latest slot a Backup of this policy and type was created
// for, or the policy's creation when there is none: the CronJob
// controller's "since".
func lastSlot(p *v1alpha1.BackupPolicy, t v1alpha1.BackupType, backups []*v1alpha1.Backup) time.Time {
	since := p.CreationTimestamp.Time
	for _, b := range backups {
		if b.Spec.BackupType != t {
			continue
		}
		if slot, ok := scheduledSlot(b); ok && slot.After(since) {
			since = slot
		}
	}
	return since
}

func scheduledSlot(b *v1alpha1.Backup) (time.Time, bool) {
	v := b.Annotations[v1alpha1.AnnotationScheduledTime]
	if v == "" || b.Labels[v1alpha1.LabelAutoBackup] != "true" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (e *Executor) createScheduled(ctx context.Context, p *v1alpha1.BackupPolicy, t v1alpha1.BackupType, due schedule.Result) error {
	b := &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: p.Namespace,
			Name:      schedule.BackupName(p.Name, t, due.Slot),
			Labels: map[string]string{v1alpha1.LabelBackupPolicy: p.Name, v1alpha1.LabelBackupType: string(t),
				v1alpha1.LabelAutoBackup: "true"},
			Annotations: map[string]string{v1alpha1.AnnotationScheduledTime: due.Slot.UTC().Format(time.RFC3339)},
		},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: p.Name, BackupType: t},
	}
	_, err := e.store.Backups().Create(ctx, b)
	if drivers.ErrorCode(err) == drivers.AlreadyExists {
		return e.adoptScheduled(ctx, p, b)
	}
	if err != nil {
		return err
	}
	e.metrics.scheduleLag.Observe(e.now().Sub(due.Slot).Seconds())
	if due.Missed == schedule.MissedMany {
		e.events.Eventf(p, corev1.EventTypeWarning, "TooManyMissedTimes",
			"more than %d %s slots were missed; only the latest runs", due.MissedCount, t)
	}
	e.events.Eventf(p, corev1.EventTypeNormal, "Scheduled", "created %s backup %s for %s", t, b.Name,
		due.Slot.UTC().Format(time.RFC3339))
	return nil
}

// adoptScheduled accepts an existing Backup of the slot's name when it is
// this policy's; a foreign one is reported and left alone.
func (e *Executor) adoptScheduled(ctx context.Context, p *v1alpha1.BackupPolicy, want *v1alpha1.Backup) error {
	got, err := e.store.Backups().Get(ctx, want.Namespace, want.Name)
	if err != nil {
		return err
	}
	if got.Spec.BackupPolicyName != p.Name || got.Labels[v1alpha1.LabelBackupPolicy] != p.Name {
		e.events.Eventf(p, corev1.EventTypeWarning, "NameTaken",
			"Backup %s exists and is not this policy's; the slot is skipped", want.Name)
	}
	return nil
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// requeueAt turns an instant into a requeue delay from now: zero for none,
// at least a second.
func (e *Executor) requeueAt(t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return max(t.Sub(e.now()), time.Second)
}
