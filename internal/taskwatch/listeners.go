package taskwatch

import (
	"context"
	"sync"
)

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

// notify calls every listener with id (they do not block: see
// drivers.Notifier).
func (l *listeners) notify(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for fn := range l.fns {
		(*fn)(id)
	}
}
