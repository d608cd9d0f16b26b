package objstore

import (
	"context"
	"sync"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
)

// hub fans the events of one kind out to its watchers. publish never
// blocks: a watcher whose buffer is full is closed (see the package
// documentation). All sends and closes happen under mu, so a channel is
// never sent on after it is closed.
type hub struct {
	mu       sync.Mutex
	buffer   int
	closed   bool
	watchers map[*watcher]struct{}
	// prepare, when set, is applied to each watcher's copy of an event's
	// object.
	prepare func(store.Object)
}

func newHub(buffer int) *hub {
	return &hub{buffer: buffer, watchers: make(map[*watcher]struct{})}
}

// watcher is one Watch call: a watch.Interface whose channel closes when
// Stop is called, its context ends, it falls behind, or the store closes.
type watcher struct {
	hub       *hub
	namespace string // "" for all
	since     uint64 // events tagged at or below it are not delivered
	ch        chan watch.Event
	done      chan struct{}
}

// add registers a watcher of namespace ("" for all) that ends with ctx.
func (h *hub) add(ctx context.Context, namespace string) (*watcher, error) {
	return h.addSince(ctx, namespace, 0)
}

// addSince registers a watcher that skips the events published with a tag
// in 1..since.
func (h *hub) addSince(ctx context.Context, namespace string, since uint64) (*watcher, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ClosedError()
	}
	w := &watcher{hub: h, namespace: namespace, since: since,
		ch: make(chan watch.Event, h.buffer), done: make(chan struct{})}
	h.watchers[w] = struct{}{}
	go func() {
		select {
		case <-ctx.Done():
			w.Stop()
		case <-w.done:
		}
	}()
	return w, nil
}

// publish sends a deep copy of ev to every watcher of ev's namespace.
func (h *hub) publish(ev watch.Event) { h.publishTagged(ev, 0) }

// publishTagged sends a deep copy of ev to every watcher of ev's namespace
// whose since is below tag (every watcher for tag 0).
func (h *hub) publishTagged(ev watch.Event, tag uint64) {
	ns := ev.Object.(store.Object).GetNamespace()
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.watchers {
		if w.namespace != "" && w.namespace != ns || tag != 0 && tag <= w.since {
			continue
		}
		obj := ev.Object.DeepCopyObject().(store.Object)
		if h.prepare != nil {
			h.prepare(obj)
		}
		select {
		case w.ch <- watch.Event{Type: ev.Type, Object: obj}:
		default:
			h.removeLocked(w) // fell behind: it must list and watch again
		}
	}
}

// close ends every watcher and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for w := range h.watchers {
		h.removeLocked(w)
	}
}

func (h *hub) removeLocked(w *watcher) {
	if _, ok := h.watchers[w]; !ok {
		return
	}
	delete(h.watchers, w)
	close(w.ch)
	close(w.done)
}

// Stop ends the watch and closes its channel; calling it again does nothing.
func (w *watcher) Stop() {
	w.hub.mu.Lock()
	defer w.hub.mu.Unlock()
	w.hub.removeLocked(w)
}

// ResultChan returns the channel of events.
func (w *watcher) ResultChan() <-chan watch.Event { return w.ch }
