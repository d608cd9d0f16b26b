package kube

import (
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/store"
)

// handler is the store's event handler on each informer of a kind: it
// settles the overlay's entries the informer caught up with and publishes
// the changes on the kind's hub, tagged when they echo the store's own
// writes. The initial list of an informer is not published: a watch
// delivers the changes after it started.
type handler struct{ c *kindCache }

var _ cache.ResourceEventHandler = (*handler)(nil)

// OnAdd publishes an Added event, unless obj comes from the initial list.
func (h *handler) OnAdd(obj any, isInInitialList bool) {
	h.deliver(watch.Added, obj, !isInInitialList)
}

// OnUpdate publishes a Modified event, unless it is a resync (the same
// version again).
func (h *handler) OnUpdate(oldObj, newObj any) {
	o, ok1 := oldObj.(store.Object)
	n, ok2 := newObj.(store.Object)
	if ok1 && ok2 && o.GetResourceVersion() == n.GetResourceVersion() {
		return
	}
	h.deliver(watch.Modified, newObj, true)
}

// OnDelete publishes a Deleted event; a tombstone (the informer missed the
// deletion and found it on a relist) carries the last state known.
func (h *handler) OnDelete(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	h.deliver(watch.Deleted, obj, true)
}

func (h *handler) deliver(typ watch.EventType, obj any, publish bool) {
	o, ok := obj.(store.Object)
	if !ok {
		return
	}
	tag := h.c.overlay.observe(h.c.key(o.GetNamespace(), o.GetName()), o, typ == watch.Deleted)
	if publish {
		h.c.hub.Publish(watch.Event{Type: typ, Object: o}, tag)
	}
}
