package kube

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// The cached reads: the informers' objects, overlaid with the store's own
// writes, copied out.

// get returns namespace/name.
func (c *kindCache) get(ctx context.Context, namespace, name string) (store.Object, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	key := c.key(namespace, name)
	obj, err := c.resolve(namespace, key)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, apierrors.NewNotFound(c.k.GroupResource(), name)
	}
	return c.output(obj), nil
}

// resolve returns the newer of the informers' object of key in namespace
// and the overlay's (overlay.resolve), or nil.
func (c *kindCache) resolve(namespace, key string) (store.Object, error) {
	return c.overlay.resolve(key, func() (store.Object, error) { return c.lookup(namespace, key) })
}

// lookup returns the informers' object of key in namespace, or nil.
func (c *kindCache) lookup(namespace, key string) (store.Object, error) {
	for _, p := range c.partsFor(namespace) {
		item, exists, err := p.informer.GetIndexer().GetByKey(key)
		if err != nil {
			return nil, err
		}
		if obj, ok := item.(store.Object); exists && ok {
			return obj, nil
		}
	}
	return nil, nil
}

// list returns the objects of namespace ("" for all cached namespaces)
// whose labels match selector (nil for all), sorted.
func (c *kindCache) list(ctx context.Context, namespace string, selector labels.Selector) ([]store.Object, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	pending := c.overlay.pendingKeys() // before the informers' objects (overlay.resolve)
	var items []any
	for _, p := range c.partsFor(namespace) {
		var part []any
		if namespace == "" || !c.k.Namespaced {
			part = p.informer.GetIndexer().List()
		} else {
			var err error
			if part, err = p.informer.GetIndexer().ByIndex(cache.NamespaceIndex, namespace); err != nil {
				return nil, err
			}
		}
		items = append(items, part...)
	}
	return c.merge(namespace, pending, items, c.output, func(o store.Object) bool {
		return selector == nil || selector.Matches(labels.Set(o.GetLabels()))
	})
}

// listBy returns the objects of namespace that have value in idx, sorted:
// copies, or with shared the cache's own objects (store.SharedLister).
func (c *kindCache) listBy(ctx context.Context, namespace string, idx store.Index, value string, shared bool) ([]store.Object, error) {
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	pending := c.overlay.pendingKeys() // before the informers' objects (overlay.resolve)
	var items []any
	for _, p := range c.partsFor(namespace) {
		part, err := byIndex(p.informer.GetIndexer(), idx, namespace, value)
		if err != nil {
			return nil, err
		}
		items = append(items, part...)
	}
	emit := c.output
	if shared {
		emit = func(o store.Object) store.Object { return o }
	}
	return c.merge(namespace, pending, items, emit, func(o store.Object) bool { return store.Matches(idx, value, o) })
}

// merge emits the items of namespace ("" for all) that match, with the
// overlay's version of every pending key (taken before the items were
// read) instead of the informers'.
func (c *kindCache) merge(namespace string, pending map[string]bool, items []any, emit func(store.Object) store.Object,
	match func(store.Object) bool) ([]store.Object, error) {
	out := make([]store.Object, 0, len(items))
	for _, item := range items {
		o, ok := item.(store.Object)
		if ok && !pending[c.key(o.GetNamespace(), o.GetName())] && match(o) {
			out = append(out, emit(o))
		}
	}
	for key := range pending {
		ns, _, _ := cache.SplitMetaNamespaceKey(key)
		o, err := c.resolve(ns, key)
		if err != nil {
			return nil, err
		}
		if o != nil && (namespace == "" || o.GetNamespace() == namespace) && c.covers(o.GetNamespace()) && match(o) {
			out = append(out, emit(o))
		}
	}
	objstore.SortObjects(out)
	return out, nil
}

// output is the copy of a cached object that a read returns.
func (c *kindCache) output(obj store.Object) store.Object {
	out := obj.DeepCopyObject().(store.Object)
	out.SetManagedFields(nil)
	c.k.SetTypeMeta(out)
	return out
}

// record notes a write the store made, so that reads see it at once.
func (c *kindCache) record(obj store.Object, deleted bool) {
	if !c.covers(obj.GetNamespace()) {
		return
	}
	c.overlay.record(c.key(obj.GetNamespace(), obj.GetName()), obj.DeepCopyObject().(store.Object), deleted)
	c.overlay.sweep()
}
