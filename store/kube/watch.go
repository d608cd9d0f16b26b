package kube

import (
	"sync"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// proxyWatch relays the Added, Modified and Deleted events of a server
// watch with apiVersion and kind set on their objects. It ends, closing its
// channel, when the server watch ends or sends an Error event (such as 410
// Gone), when Stop is called, or when the Store closes.
type proxyWatch struct {
	src  watch.Interface
	k    *objstore.Kind
	out  chan watch.Event
	stop chan struct{}
	once sync.Once
}

// track starts relaying src and registers it so that Close stops it.
func (s *Store) track(src watch.Interface, k *objstore.Kind) (watch.Interface, error) {
	w := &proxyWatch{src: src, k: k, out: make(chan watch.Event), stop: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		src.Stop()
		return nil, objstore.ClosedError()
	}
	s.watches[w] = struct{}{}
	s.mu.Unlock()
	go func() {
		w.run()
		s.mu.Lock()
		delete(s.watches, w)
		s.mu.Unlock()
	}()
	return w, nil
}

func (w *proxyWatch) run() {
	defer close(w.out)
	defer w.src.Stop()
	for {
		select {
		case ev, ok := <-w.src.ResultChan():
			if !ok || !w.relay(ev) {
				return
			}
		case <-w.stop:
			return
		}
	}
}

// relay sends one event on and reports whether the watch goes on.
func (w *proxyWatch) relay(ev watch.Event) bool {
	switch ev.Type {
	case watch.Added, watch.Modified, watch.Deleted:
	case watch.Bookmark:
		return true
	default:
		return false // an Error: the caller lists and watches again
	}
	obj, ok := ev.Object.(store.Object)
	if !ok {
		return false
	}
	w.k.SetTypeMeta(obj)
	select {
	case w.out <- watch.Event{Type: ev.Type, Object: obj}:
		return true
	case <-w.stop:
		return false
	}
}

// Stop ends the watch; its channel closes soon after.
func (w *proxyWatch) Stop() { w.once.Do(func() { close(w.stop) }) }

// ResultChan returns the channel of events.
func (w *proxyWatch) ResultChan() <-chan watch.Event { return w.out }
