package memory

import (
	"strings"
	"sync"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// backend keeps objects in maps, one per kind, keyed by Kind.Key. A stored
// object is never modified: Put stores a copy, and a commit swaps it in.
// Get and List hand out copies; GetShared (objstore.SharedTx) the stored
// object itself, to readers that do not modify it (shared lists, and the
// read of the current object in a write).
type backend struct {
	mu      sync.RWMutex
	objects map[*objstore.Kind]map[string]store.Object
	rv      uint64
}

func newBackend() *backend {
	b := &backend{objects: make(map[*objstore.Kind]map[string]store.Object)}
	for _, k := range objstore.Kinds {
		b.objects[k] = make(map[string]store.Object)
	}
	return b
}

// View runs fn under the read lock.
func (b *backend) View(fn func(objstore.Tx) error) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return fn(&tx{b: b})
}

// Update runs fn under the write lock and applies its writes when it
// succeeds.
func (b *backend) Update(fn func(objstore.Tx) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := &tx{b: b, rv: b.rv, pending: make(map[pendingKey]store.Object)}
	if err := fn(t); err != nil {
		return err
	}
	t.commit()
	return nil
}

// Close drops the objects.
func (b *backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects = nil
	return nil
}

type pendingKey struct {
	k   *objstore.Kind
	key string
}

// tx reads the stored maps through its pending writes; a nil pending object
// is a deletion.
type tx struct {
	b       *backend
	rv      uint64
	pending map[pendingKey]store.Object
}

func (t *tx) lookup(k *objstore.Kind, key string) store.Object {
	if obj, ok := t.pending[pendingKey{k, key}]; ok {
		return obj
	}
	return t.b.objects[k][key]
}

// Get returns a copy of the object under key, or nil.
func (t *tx) Get(k *objstore.Kind, key string) (store.Object, error) {
	return clone(t.lookup(k, key)), nil
}

// GetShared returns the object under key itself, or nil: stored objects
// are never modified (Put stores a copy, commit swaps it in).
func (t *tx) GetShared(k *objstore.Kind, key string) (store.Object, error) {
	return t.lookup(k, key), nil
}

// List returns copies of the objects whose keys start with prefix.
func (t *tx) List(k *objstore.Kind, prefix string) ([]store.Object, error) {
	var out []store.Object
	for key, obj := range t.b.objects[k] {
		if _, ok := t.pending[pendingKey{k, key}]; !ok && strings.HasPrefix(key, prefix) {
			out = append(out, clone(obj))
		}
	}
	for pk, obj := range t.pending {
		if pk.k == k && obj != nil && strings.HasPrefix(pk.key, prefix) {
			out = append(out, clone(obj))
		}
	}
	return out, nil
}

// Put records a copy of obj under key.
func (t *tx) Put(k *objstore.Kind, key string, obj store.Object) error {
	t.pending[pendingKey{k, key}] = clone(obj)
	return nil
}

// Delete records the deletion of key.
func (t *tx) Delete(k *objstore.Kind, key string) error {
	t.pending[pendingKey{k, key}] = nil
	return nil
}

// NextResourceVersion increments the transaction's counter.
func (t *tx) NextResourceVersion() (uint64, error) {
	t.rv++
	return t.rv, nil
}

func (t *tx) commit() {
	for pk, obj := range t.pending {
		if obj == nil {
			delete(t.b.objects[pk.k], pk.key)
		} else {
			t.b.objects[pk.k][pk.key] = obj
		}
	}
	t.b.rv = t.rv
}

// clone deep-copies obj; nil stays nil.
func clone(obj store.Object) store.Object {
	if obj == nil {
		return nil
	}
	return obj.DeepCopyObject().(store.Object)
}
