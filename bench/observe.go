package bench

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// observer records, as the engine writes them, when scheduled Backups are
// created and completed and which policies became Available, and when the
// last write happened: the scheduler figure's instruments, cheaper and more
// exact than a watch.
type observer struct {
	mu        sync.Mutex
	created   map[time.Time][]time.Time // real creation times by slot
	nCreated  int                       // scheduled Backups created
	completed int                       // scheduled Backups Completed
	available map[string]bool           // policies Available
	lastWrite time.Time
}

func newObserver() *observer {
	return &observer{created: map[time.Time][]time.Time{}, available: map[string]bool{}}
}

// slotOf returns the scheduled slot of a Backup.
func slotOf(b *v1alpha1.Backup) (time.Time, bool) {
	v := b.Annotations[v1alpha1.AnnotationScheduledTime]
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (o *observer) wrote(f func()) {
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lastWrite = now
	if f != nil {
		f()
	}
}

// totals returns how many scheduled Backups were created and completed,
// and the time since the last write.
func (o *observer) totals() (created, completed int, quiet time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.nCreated, o.completed, time.Since(o.lastWrite)
}

// lags returns the times from jumped to the creation of the Backups of
// slot, and forgets them.
func (o *observer) lags(slot, jumped time.Time) []time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]time.Duration, len(o.created[slot]))
	for i, t := range o.created[slot] {
		out[i] = t.Sub(jumped)
	}
	delete(o.created, slot)
	return out
}

func (o *observer) availablePolicies() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.available)
}

// observedStore is a store whose Backup and BackupPolicy writes are
// reported to an observer.
type observedStore struct {
	store.Store
	obs *observer
}

func (s observedStore) Backups() store.Resource[*v1alpha1.Backup] {
	return observedBackups{Resource: s.Store.Backups(), obs: s.obs}
}

func (s observedStore) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return observedPolicies{Resource: s.Store.BackupPolicies(), obs: s.obs}
}

type observedBackups struct {
	store.Resource[*v1alpha1.Backup]
	obs *observer
}

func (r observedBackups) Create(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	out, err := r.Resource.Create(ctx, b)
	if err == nil {
		now := time.Now()
		r.obs.wrote(func() {
			if slot, ok := slotOf(out); ok {
				r.obs.created[slot] = append(r.obs.created[slot], now)
				r.obs.nCreated++
			}
		})
	}
	return out, err
}

func (r observedBackups) Update(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	out, err := r.Resource.Update(ctx, b)
	if err == nil {
		r.obs.wrote(nil)
	}
	return out, err
}

func (r observedBackups) UpdateStatus(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	out, err := r.Resource.UpdateStatus(ctx, b)
	if err == nil {
		r.obs.wrote(func() {
			if _, ok := slotOf(out); ok && out.Status.Phase == v1alpha1.BackupCompleted {
				r.obs.completed++
			}
		})
	}
	return out, err
}

type observedPolicies struct {
	store.Resource[*v1alpha1.BackupPolicy]
	obs *observer
}

func (r observedPolicies) UpdateStatus(ctx context.Context, p *v1alpha1.BackupPolicy) (*v1alpha1.BackupPolicy, error) {
	out, err := r.Resource.UpdateStatus(ctx, p)
	if err == nil {
		r.obs.wrote(func() {
			if out.Status.Phase == v1alpha1.PolicyAvailable {
				r.obs.available[out.Namespace+"/"+out.Name] = true
			}
		})
	}
	return out, err
}
