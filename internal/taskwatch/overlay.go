package taskwatch

import (
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/internal/objversion"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// staleAfter is how long an entry of the overlay is kept at most: far
// longer than an informer takes to deliver a write's event. An entry whose
// event never comes (the object was deleted by someone else before the
// informer listed it) goes then.
const staleAfter = 30 * time.Second

// overlay makes a driver read its own writes: what each write returned, or
// the deletion, is kept until the informer delivers it, and a read takes
// the newer of the cache's object and the overlay's (objversion compares
// them).
type overlay[T Object] struct {
	mu      sync.Mutex
	entries map[string]*entry[T] // by namespace/name
}

// entry is what the driver wrote to one object and the informer has not
// delivered yet.
type entry[T Object] struct {
	obj     T // the write's result; meaningless when deleted
	write   objversion.Write
	task    string
	written time.Time
}

func objectKey(o Object) string { return o.GetNamespace() + "/" + o.GetName() }

// record notes a write of obj, or its deletion.
func (o *overlay[T]) record(obj T, deleted bool) {
	w, ok := objversion.Of(obj, deleted)
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	key := objectKey(obj)
	if e := o.entries[key]; e != nil && !deleted && !e.write.Deleted && e.write.RV > w.RV {
		return // a later write is recorded
	}
	o.entries[key] = &entry[T]{obj: obj, write: w, task: obj.GetLabels()[v1alpha1.LabelTaskID], written: time.Now()}
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
	if e.write.SettledBy(obj, deleted) {
		delete(o.entries, key)
	}
}

// clear drops every entry.
func (o *overlay[T]) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.entries)
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
		case !pending || e.write.CaughtUp(c):
			out = append(out, c)
		case !e.write.Deleted && e.task == id:
			out = append(out, e.obj)
		}
		// Otherwise the driver deleted the object, or took it from the
		// task (removed its label).
	}
	for key, e := range p {
		if e.task == id && !e.write.Deleted && !seen[key] {
			out = append(out, e.obj)
		}
	}
	return out
}
