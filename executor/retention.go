package executor

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/retention"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// retain deletes the Backups of the policy that its retention plan lets go,
// and returns the next expiration among the rest (zero for none).
func (e *Executor) retain(ctx context.Context, p *v1alpha1.BackupPolicy, backups []*v1alpha1.Backup) (time.Time, error) {
	items := make([]v1alpha1.Backup, len(backups))
	byName := map[string]*v1alpha1.Backup{}
	for i, b := range backups {
		items[i] = *b
		byName[b.Name] = b
	}
	now := e.now()
	deleted := map[string]bool{}
	for _, d := range retention.Plan(items, []v1alpha1.BackupPolicy{*p}, now) {
		b := byName[d.Name]
		err := e.store.Backups().Delete(ctx, d.Namespace, d.Name, string(b.UID))
		if err != nil && !drivers.IsNotFound(err) {
			return time.Time{}, err
		}
		deleted[d.Name] = true
		e.metrics.retentionDeletions.WithLabelValues(string(d.Reason)).Inc()
		e.events.Eventf(p, corev1.EventTypeNormal, "BackupDeleted", "deleted backup %s: %s", d.Name, d.Message)
	}
	var next time.Time
	for _, b := range backups {
		if x := b.Status.Expiration; x != nil && !deleted[b.Name] && x.After(now) {
			next = earliest(next, x.Time)
		}
	}
	return next, nil
}
