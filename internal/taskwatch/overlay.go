package taskwatch

import (
	"strconv"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// staleAfter is how long an entry of the overlay is kept at most: far
// longer than an informer takes to deliver a write's event. An entry whose
// event never comes (the object was deleted by someone else before the
// informer listed it) goes then.
const staleAfter = 30 * time.Second

// overlay makes a driver read its own writes: what each write returned, or
// the deletion, is kept until the informer delivers it, and a read takes
// the newer of the cache's object and the overlay's. Versions are compared
// as the integers the API server issues; one that does not parse is never
// taken for newer.
type overlay[T Object] struct {
	mu      sync.Mutex
	entries map[string]*entry[T] // by namespace/name
}

// entry is what the driver wrote to one object and the informer has not
// delivered yet.
type entry[T Object] struct {
	obj     T // the write's result; meaningless when deleted
	deleted bool
	rv      uint64
	uid     types.UID
	task    string
	written time.Time
}

func objectKey(o Object) string { return o.GetNamespace() + "/" + o.GetName() }

// record notes a write of obj, or its deletion.
func (o *overlay[T]) record(obj T, deleted bool) {
	rv, ok := parseRV(obj.GetResourceVersion())
	if !ok && !deleted {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	key := objectKey(obj)
	if e := o.entries[key]; e != nil && !deleted && !e.deleted && e.rv > rv {
		return // a later write is recorded
	}
	o.entries[key] = &entry[T]{obj: obj, deleted: deleted, rv: rv, uid: obj.GetUID(),
		task: obj.GetLabels()[v1alpha1.LabelTaskID], written: time.Now()}
}

// observe drops the entry of obj once the informer has caught up with it:
// an event at the entry's version or later, the deletion of the object (not
// of an earlier object of the name, delivered after the driver created the
// next one), or another object of the name of a deleted one.
func (o *overlay[T]) observe(obj T, deleted bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	key := objectKey(obj)
	e := o.entries[key]
	if e == nil {
		return
	}
	if deleted && sameObject(e.uid, obj.GetUID()) || !deleted && e.caughtUp(obj) {
		delete(o.entries, key)
	}
}

// sameObject reports whether two UIDs may be the same object's: equal, or
// one of them unknown.
func sameObject(a, b types.UID) bool { return a == "" || b == "" || a == b }

// clear drops every entry.
func (o *overlay[T]) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.entries)
}

// caughtUp reports whether the informer's obj is as new as the entry.
func (e *entry[T]) caughtUp(obj Object) bool {
	if e.deleted {
		return e.uid != "" && obj.GetUID() != e.uid
	}
	rv, ok := parseRV(obj.GetResourceVersion())
	return ok && rv >= e.rv
}

// pendingWrites is a copy of the overlay's entries at one moment.
type pendingWrites[T Object] map[string]entry[T]

// snapshot copies the entries, dropping those older than staleAfter. A read
// takes it before it reads the cache: an entry goes once the informer has
// delivered the write, after its indexer has it, so an entry gone by the
// time the cache is read is in what the read gets. (Taken after, an
// informer catching up in between left the older object with no entry to
// correct it.)
func (o *overlay[T]) snapshot() pendingWrites[T] {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.entries) == 0 {
		return nil
	}
	now := time.Now()
	out := make(pendingWrites[T], len(o.entries))
	for key, e := range o.entries {
		if now.Sub(e.written) > staleAfter {
			delete(o.entries, key)
			continue
		}
		out[key] = *e
	}
	return out
}

// merge merges the cache's objects of task id, read after the snapshot,
// with the pending writes.
func (p pendingWrites[T]) merge(id string, cached []T) []T {
	if len(p) == 0 {
		return cached
	}
	out := make([]T, 0, len(cached)+1)
	seen := map[string]bool{}
	for _, c := range cached {
		key := objectKey(c)
		seen[key] = true
		e, pending := p[key]
		switch {
		case !pending || e.caughtUp(c):
			out = append(out, c)
		case !e.deleted && e.task == id:
			out = append(out, e.obj)
		}
		// Otherwise the driver deleted the object, or took it from the
		// task (removed its label).
	}
	for key, e := range p {
		if e.task == id && !e.deleted && !seen[key] {
			out = append(out, e.obj)
		}
	}
	return out
}

func parseRV(s string) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}
