package memdriver

import (
	"context"
	"sync"

	"github.com/dpsdk/dataprotection/drivers"
)

// Notify registers fn until ctx ends (see drivers.Notifier) when Notifies
// is set, and fails with Unimplemented otherwise.
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	if !d.Notifies {
		return drivers.Errorf(drivers.Unimplemented, "memdriver: Notifies is not set")
	}
	d.listeners.add(ctx, fn)
	return nil
}

// Release lets a Held task finish: it then follows its outcome's Polls.
// Subscribers are notified. An unknown ID does nothing.
func (d *Driver) Release(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tasks[id]; ok && t.outcome.Held {
		t.outcome.Held = false
		d.listeners.notify(id)
	}
}

// listeners are the functions Notify registered, each until its context
// ends.
type listeners struct {
	mu  sync.Mutex
	fns map[*func(string)]struct{}
}

func (l *listeners) add(ctx context.Context, fn func(string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fns == nil {
		l.fns = map[*func(string)]struct{}{}
	}
	key := &fn
	l.fns[key] = struct{}{}
	context.AfterFunc(ctx, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.fns, key)
	})
}

// notify calls every listener with id.
func (l *listeners) notify(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for fn := range l.fns {
		(*fn)(id)
	}
}
