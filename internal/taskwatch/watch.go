package taskwatch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/notify"
)

// DefaultSyncTimeout bounds a read's wait for the informers' first lists
// when New is given no timeout.
const DefaultSyncTimeout = 2 * time.Minute

// Informer is what a Watch needs of a host's informer:
// cache.SharedIndexInformer has it. Its indexer must have an object before
// the handlers get the object's event, as client-go's and
// controller-runtime's informers do: a read relies on it to see the
// driver's own writes.
type Informer interface {
	AddEventHandler(handler cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error)
	RemoveEventHandler(handle cache.ResourceEventHandlerRegistration) error
	AddIndexers(indexers cache.Indexers) error
	GetIndexer() cache.Indexer
}

// Watch is the informers of one driver and the listeners of its
// notifications. It is safe for concurrent use.
type Watch struct {
	ctx     context.Context // ends with Close
	cancel  context.CancelFunc
	timeout time.Duration
	name    string // the driver's, for errors

	mu     sync.Mutex
	parts  []*part
	closed bool

	start     sync.Once
	listeners notify.Listeners
}

// part is one informer and the Watch's handler on it.
type part struct {
	informer Informer
	run      func(context.Context) // nil for a host's informer
	reg      cache.ResourceEventHandlerRegistration
	// forget drops the overlay's entries when an own informer starts:
	// its first list is later than every write recorded before.
	forget func()
}

// New returns a Watch of the driver name (which errors quote) whose reads
// wait at most timeout for the informers to sync (DefaultSyncTimeout when
// timeout is not positive).
func New(name string, timeout time.Duration) *Watch {
	if timeout <= 0 {
		timeout = DefaultSyncTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Watch{ctx: ctx, cancel: cancel, timeout: timeout, name: name}
}

// add registers inf (run is nil for a host's informer) with the task
// indexer and the Watch's handler, which calls observe then the listeners.
func (w *Watch) add(inf Informer, run func(context.Context), observe func(obj any, deleted bool) string, forget func()) error {
	if _, ok := inf.GetIndexer().GetIndexers()[IndexTaskID]; !ok {
		if err := inf.AddIndexers(cache.Indexers{IndexTaskID: indexTaskID}); err != nil {
			return fmt.Errorf("%s: add the task indexer: %w", w.name, err)
		}
	}
	reg, err := inf.AddEventHandler(handler{w: w, observe: observe})
	if err != nil {
		return fmt.Errorf("%s: add an event handler: %w", w.name, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.parts = append(w.parts, &part{informer: inf, run: run, reg: reg, forget: forget})
	return nil
}

// Start starts the Watch's own informers, once; it returns at once.
func (w *Watch) Start() {
	w.start.Do(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, p := range w.parts {
			if p.run != nil {
				p.forget()
				go p.run(w.ctx)
			}
		}
	})
}

// Ready starts the own informers and waits until every informer has
// synced and the Watch's handlers have seen their initial lists. It fails
// with Unavailable after the sync timeout, and with Canceled when ctx ends
// or the Watch is closed.
func (w *Watch) Ready(ctx context.Context) error {
	w.Start()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	w.mu.Lock()
	parts := append([]*part(nil), w.parts...)
	w.mu.Unlock()
	for _, p := range parts {
		select {
		case <-p.reg.HasSyncedChecker().Done():
		case <-w.ctx.Done():
			return drivers.Errorf(drivers.Canceled, "%s: the driver is closed", w.name)
		case <-ctx.Done():
			if parent.Err() != nil {
				return drivers.WithCode(drivers.Canceled, parent.Err())
			}
			return drivers.Errorf(drivers.Unavailable, "%s: the informers did not sync within %s", w.name, w.timeout)
		}
	}
	return nil
}

// Notify calls fn with a task's ID whenever one of its objects changes,
// until ctx ends or the Watch is closed; the own informers start.
func (w *Watch) Notify(ctx context.Context, fn func(taskID string)) error {
	if w.ctx.Err() != nil {
		return drivers.Errorf(drivers.Unavailable, "%s: the driver is closed", w.name)
	}
	w.listeners.Add(ctx, fn)
	w.Start()
	return nil
}

// Close stops the own informers and removes the handlers from the host's.
// Idempotent.
func (w *Watch) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	w.cancel()
	var first error
	for _, p := range w.parts {
		if p.run != nil {
			continue
		}
		if err := p.informer.RemoveEventHandler(p.reg); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// handler observes an informer's events and notifies the listeners of the
// task of the object.
type handler struct {
	w       *Watch
	observe func(obj any, deleted bool) string
}

func (h handler) OnAdd(obj any, _ bool) { h.on(obj, false) }
func (h handler) OnUpdate(_, obj any)   { h.on(obj, false) }
func (h handler) OnDelete(obj any)      { h.on(obj, true) }
func (h handler) on(obj any, deleted bool) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	if id := h.observe(obj, deleted); id != "" {
		h.w.listeners.Notify(id)
	}
}
