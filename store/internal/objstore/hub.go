package objstore

import (
	"context"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
)

// Hub fans events out to watchers as the embedded stores do (buffered
// channels; a watcher that falls behind is closed), for a store that learns
// of changes elsewhere: store/kube publishes its informers' events on one.
// Events may carry a tag, a number the publisher gives the writes it made
// itself; a watcher registered with since skips the events tagged in
// 1..since, so that it does not see writes made before it started.
type Hub struct{ h *hub }

// NewHub returns a Hub whose watchers may fall buffer events behind;
// prepare, when not nil, is applied to each watcher's copy of an object.
func NewHub(buffer int, prepare func(store.Object)) *Hub {
	if buffer <= 0 {
		buffer = DefaultWatchBuffer
	}
	h := newHub(buffer)
	h.prepare = prepare
	return &Hub{h: h}
}

// Watch registers a watcher of namespace ("" for all) that ends with ctx,
// skipping the events tagged in 1..since. ServiceUnavailable after Close.
func (h *Hub) Watch(ctx context.Context, namespace string, since uint64) (watch.Interface, error) {
	w, err := h.h.addSince(ctx, namespace, since)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Publish sends a copy of ev to every watcher of its namespace whose since
// is below tag (to every one for tag 0). It never blocks.
func (h *Hub) Publish(ev watch.Event, tag uint64) { h.h.publishTagged(ev, tag) }

// Close ends every watcher and refuses new ones.
func (h *Hub) Close() { h.h.close() }
