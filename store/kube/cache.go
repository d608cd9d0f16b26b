package kube

import (
	"context"
	"fmt"
	"slices"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/internal/slim"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// kindCache is the read side of one kind: informers (one per namespace of
// Options.Namespaces, or one for all), the overlay of the store's own
// writes, and the hub its watches are served from. The store's own
// informers start on first use; every read waits until the informers
// have synced and the store's handler has seen their initial lists.
type kindCache struct {
	k       *objstore.Kind
	opts    *Options
	own     bool                  // the store runs the informers
	parts   map[string]*cachePart // by namespace; "" for all
	overlay *overlay
	hub     *objstore.Hub

	startOnce sync.Once
	ctx       context.Context // ends with the store
	lastErr   errorBox        // the own informers' last list or watch error
}

// cachePart is one informer and the store's handler on it.
type cachePart struct {
	informer Informer
	run      func(context.Context) // nil for a host's informer
	reg      cache.ResourceEventHandlerRegistration
}

// listWatchFunc makes the lister-watcher of an own informer of namespace.
type listWatchFunc func(namespace string) cache.ListerWatcher

// newKindCache sets up the cache of k: host is the host's informer of the
// kind, if any; lw makes the store's own.
func newKindCache(ctx context.Context, k *objstore.Kind, opts *Options, host Informer, lw listWatchFunc) (*kindCache, error) {
	c := &kindCache{k: k, opts: opts, own: host == nil, parts: map[string]*cachePart{}, overlay: newOverlay(),
		hub: objstore.NewHub(0, prepare(k)), ctx: ctx}
	for _, ns := range c.namespaces() {
		p, err := c.newPart(ns, host, lw)
		if err != nil {
			return nil, fmt.Errorf("kube: cache of %s: %w", k.Resource, err)
		}
		c.parts[ns] = p
	}
	return c, nil
}

// namespaces lists the namespaces of the kind's informers.
func (c *kindCache) namespaces() []string {
	if !c.k.Namespaced || len(c.opts.Namespaces) == 0 || !c.own {
		return []string{""}
	}
	return slices.Compact(slices.Sorted(slices.Values(c.opts.Namespaces)))
}

func (c *kindCache) newPart(ns string, host Informer, lw listWatchFunc) (*cachePart, error) {
	p := &cachePart{informer: host}
	if host == nil {
		inf := cache.NewSharedIndexInformerWithOptions(lw(ns), c.k.New(), cache.SharedIndexInformerOptions{
			ObjectDescription: c.k.Resource, Indexers: indexers(c.k, nil)})
		if err := inf.SetTransform(slim.ManagedFields); err != nil {
			return nil, err
		}
		if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
			c.lastErr.set(err)
		}); err != nil {
			return nil, err
		}
		p.informer, p.run = inf, inf.RunWithContext
	}
	if err := addIndexers(p.informer, c.k); err != nil {
		return nil, err
	}
	reg, err := p.informer.AddEventHandler(&handler{c: c})
	if err != nil {
		return nil, err
	}
	p.reg = reg
	return p, nil
}

// ready starts the own informers on first use and waits until every
// informer has synced and the handler has seen its initial list, for at
// most SyncTimeout.
func (c *kindCache) ready(ctx context.Context) error {
	c.startOnce.Do(func() {
		for _, p := range c.parts {
			if p.run != nil {
				go p.run(c.ctx)
			}
		}
	})
	ctx, cancel := context.WithTimeout(ctx, c.opts.SyncTimeout)
	defer cancel()
	for _, p := range c.parts {
		select {
		case <-p.reg.HasSyncedChecker().Done():
		case <-c.ctx.Done():
			return objstore.ClosedError()
		case <-ctx.Done():
			return c.syncError(ctx)
		}
	}
	return nil
}

// syncError is the error of a read whose cache did not sync in time.
func (c *kindCache) syncError(ctx context.Context) error {
	if err := ctx.Err(); err == context.Canceled {
		return err
	}
	msg := fmt.Sprintf("the cache of %s has not synced with the API server", c.k.Resource)
	if err := c.lastErr.get(); err != nil {
		msg += ": " + err.Error()
	}
	return apierrors.NewServiceUnavailable(msg)
}

// covers reports whether reads of namespace are served from the cache.
func (c *kindCache) covers(namespace string) bool {
	if namespace == "" || !c.k.Namespaced || len(c.opts.Namespaces) == 0 {
		return true
	}
	return slices.Contains(c.opts.Namespaces, namespace)
}

// partsFor returns the informers that hold namespace's objects ("" for
// every cached namespace).
func (c *kindCache) partsFor(namespace string) []*cachePart {
	if p, ok := c.parts[namespace]; ok {
		return []*cachePart{p}
	}
	if p, ok := c.parts[""]; ok {
		return []*cachePart{p}
	}
	out := make([]*cachePart, 0, len(c.parts))
	for _, p := range c.parts {
		out = append(out, p)
	}
	return out
}

// close ends the watches and removes the handlers from the informers (the
// own informers stop with the store's context).
func (c *kindCache) close() {
	c.hub.Close()
	for _, p := range c.parts {
		_ = p.informer.RemoveEventHandler(p.reg)
	}
}

// watch registers a watch of namespace served by the informers' events,
// skipping the echoes of the store's writes made before it.
func (c *kindCache) watch(ctx context.Context, namespace string) (watch.Interface, error) {
	w, err := c.hub.Watch(ctx, namespace, c.overlay.since())
	if err != nil {
		return nil, err
	}
	if err := c.ready(ctx); err != nil {
		w.Stop()
		return nil, err
	}
	return w, nil
}

// prepare makes a watcher's copy of an object what the store returns.
func prepare(k *objstore.Kind) func(store.Object) {
	return func(obj store.Object) {
		obj.SetManagedFields(nil)
		k.SetTypeMeta(obj)
	}
}

// errorBox holds the last error of an informer, safe for concurrent use.
type errorBox struct {
	mu  sync.Mutex
	err error
}

func (b *errorBox) set(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.err = err
}

func (b *errorBox) get() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// key is the cache key of namespace/name, as cache.MetaNamespaceKeyFunc
// makes it.
func (c *kindCache) key(namespace, name string) string { return c.k.Key(namespace, name) }
