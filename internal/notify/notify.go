// Package notify holds the listeners of a driver's notifications
// (drivers.Notifier), shared by the drivers that notify.
package notify

import (
	"context"
	"sync"
)

// Listeners are the functions a driver's Notify registered, each until its
// context ends. The zero value is ready to use; it is safe for concurrent
// use.
type Listeners struct {
	mu  sync.Mutex
	fns map[*func(string)]struct{}
}

// Add registers fn until ctx ends.
func (l *Listeners) Add(ctx context.Context, fn func(taskID string)) {
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

// Notify calls every listener with id (listeners do not block: see
// drivers.Notifier).
func (l *Listeners) Notify(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for fn := range l.fns {
		(*fn)(id)
	}
}
