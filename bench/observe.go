package bench

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// observer records, as the engine calls the store, when scheduled Backups
// are created and completed and which policies became Available, and
// whether the engine is busy: the scheduler figure's instruments, cheaper
// and more exact than a watch. The engine's heavy work happens in store
// calls (a policy's reconcile lists its namespace's Backups), so it is idle
// when no store call is in flight and none has ended for a while.
type observer struct {
	mu        sync.Mutex
	created   map[time.Time][]time.Time // real creation times by slot
	nCreated  int                       // scheduled Backups created
	completed int                       // scheduled Backups Completed
	available map[string]bool           // policies Available
	inflight  int                       // store calls in progress
	lastCall  time.Time                 // end of the last store call
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

// begin marks the start of a store call; the function it returns marks its
// end, after running f (nil: nothing) under the observer's lock.
func (o *observer) begin() func(f func()) {
	o.mu.Lock()
	o.inflight++
	o.mu.Unlock()
	return func(f func()) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.inflight--
		o.lastCall = time.Now()
		if f != nil {
			f()
		}
	}
}

// totals returns how many scheduled Backups were created and completed, and
// how long the engine has been idle (0 while a store call is in flight).
func (o *observer) totals() (created, completed int, idle time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.inflight > 0 {
		return o.nCreated, o.completed, 0
	}
	return o.nCreated, o.completed, time.Since(o.lastCall)
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

// observedStore is a store whose Backup and BackupPolicy calls are
// reported to an observer.
type observedStore struct {
	store.Store
	obs *observer
}

func (s observedStore) Backups() store.Resource[*v1alpha1.Backup] {
	return observedBackups{observed: observed[*v1alpha1.Backup]{Resource: s.Store.Backups(), obs: s.obs}}
}

func (s observedStore) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return observedPolicies{observed: observed[*v1alpha1.BackupPolicy]{Resource: s.Store.BackupPolicies(), obs: s.obs}}
}

// observed reports every call of a resource but Watch as store activity.
type observed[T store.Object] struct {
	store.Resource[T]
	obs *observer
}

func (r observed[T]) Get(ctx context.Context, namespace, name string) (T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.Get(ctx, namespace, name)
}

func (r observed[T]) List(ctx context.Context, namespace string, selector labels.Selector) ([]T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.List(ctx, namespace, selector)
}

func (r observed[T]) ListBy(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.ListBy(ctx, namespace, idx, value)
}

func (r observed[T]) ListByShared(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	defer r.obs.begin()(nil)
	return store.ListByShared(ctx, r.Resource, namespace, idx, value)
}

func (r observed[T]) Create(ctx context.Context, obj T) (T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.Create(ctx, obj)
}

func (r observed[T]) Update(ctx context.Context, obj T) (T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.Update(ctx, obj)
}

func (r observed[T]) UpdateStatus(ctx context.Context, obj T) (T, error) {
	defer r.obs.begin()(nil)
	return r.Resource.UpdateStatus(ctx, obj)
}

func (r observed[T]) Delete(ctx context.Context, namespace, name, uid string) error {
	defer r.obs.begin()(nil)
	return r.Resource.Delete(ctx, namespace, name, uid)
}

type observedBackups struct{ observed[*v1alpha1.Backup] }

// Create records the creation time of a scheduled Backup.
func (r observedBackups) Create(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	end := r.obs.begin()
	out, err := r.Resource.Create(ctx, b)
	now := time.Now()
	end(func() {
		if err != nil {
			return
		}
		if slot, ok := slotOf(out); ok {
			r.obs.created[slot] = append(r.obs.created[slot], now)
			r.obs.nCreated++
		}
	})
	return out, err
}

// UpdateStatus counts scheduled Backups that become Completed.
func (r observedBackups) UpdateStatus(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	end := r.obs.begin()
	out, err := r.Resource.UpdateStatus(ctx, b)
	end(func() {
		if _, ok := slotOf(b); err == nil && ok && out.Status.Phase == v1alpha1.BackupCompleted {
			r.obs.completed++
		}
	})
	return out, err
}

type observedPolicies struct {
	observed[*v1alpha1.BackupPolicy]
}

// UpdateStatus records the policies that become Available.
func (r observedPolicies) UpdateStatus(ctx context.Context, p *v1alpha1.BackupPolicy) (*v1alpha1.BackupPolicy, error) {
	end := r.obs.begin()
	out, err := r.Resource.UpdateStatus(ctx, p)
	end(func() {
		if err == nil && out.Status.Phase == v1alpha1.PolicyAvailable {
			r.obs.available[out.Namespace+"/"+out.Name] = true
		}
	})
	return out, err
}
