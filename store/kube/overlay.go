package kube

import (
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/internal/objversion"
	"github.com/dpsdk/dataprotection/store"
)

// overlay makes a cached store read its own writes: the object each write
// returned, or the deletion, is kept until the informer has caught up with
// it, and a read takes the newer of the cache's object and the overlay's
// (objversion compares them). The server does not say at which version it deleted an
// object, so a deletion hides the cache's object of the deleted UID until
// the informer delivers the deletion.
//
// It also tags the informer's events that echo the store's own writes,
// with the sequence number of the write (see observe), so that a watch
// started after a write does not deliver that write's event.
type overlay struct {
	mu      sync.Mutex
	seq     uint64
	entries map[string]*pending // by key (namespace/name)
	swept   time.Time
}

// pending is what the store wrote to one key and the informer has not
// delivered yet.
type pending struct {
	obj     store.Object     // nil: deleted
	write   objversion.Write // obj's version, or the deletion
	written time.Time
	echoes  []echo
}

// echo is one write whose event the informer has not delivered yet.
type echo struct {
	write objversion.Write
	seq   uint64
}

// staleAfter is how long an entry that the cache has caught up with is
// kept for its echoes: longer than an informer takes to hand an event
// stored in its cache to its handlers.
const staleAfter = 30 * time.Second

func newOverlay() *overlay { return &overlay{entries: map[string]*pending{}} }

// record notes a write to key: obj as it is now, or its deletion (deleted
// set; obj then only names the object and its UID, when known).
func (o *overlay) record(key string, obj store.Object, deleted bool) {
	w, ok := objversion.Of(obj, deleted)
	if !ok {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	p := o.entries[key]
	if p == nil {
		p = &pending{}
		o.entries[key] = p
	}
	switch {
	case deleted:
		p.obj, p.write = nil, w
	case p.obj == nil || w.RV >= p.write.RV:
		p.obj, p.write = obj, w
	}
	p.written = time.Now()
	p.echoes = append(p.echoes, echo{write: w, seq: o.seq})
}

// since returns the sequence number of the latest write.
func (o *overlay) since() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.seq
}

// observe notes that the informer delivered obj (its deletion when deleted
// is set) under key. It returns the event's tag: the sequence number of
// the earliest own write the event's change came before (the write itself,
// or a later one to the same key), or 0. The entry goes once the informer
// has caught up with it.
func (o *overlay) observe(key string, obj store.Object, deleted bool) uint64 {
	rv, known := objversion.ParseRV(obj.GetResourceVersion())
	o.mu.Lock()
	defer o.mu.Unlock()
	p := o.entries[key]
	if p == nil {
		return 0
	}
	var tag uint64
	keep := p.echoes[:0]
	for _, e := range p.echoes {
		// A deletion settles every write to the object it deleted (not to
		// a later object of the name); another event, the writes up to its
		// version. It came before the writes at its version or later.
		var before, settled bool
		switch w := e.write; {
		case deleted && objversion.SameObject(w.UID, obj.GetUID()):
			before, settled = w.Deleted, true
		case deleted:
		default:
			before, settled = !w.Deleted && known && w.RV >= rv, !w.Deleted && known && w.RV <= rv
		}
		if before && (tag == 0 || e.seq < tag) {
			tag = e.seq
		}
		if !settled {
			keep = append(keep, e)
		}
	}
	p.echoes = keep
	if p.write.SettledBy(obj, deleted) {
		delete(o.entries, key)
	}
	return tag
}

// resolve returns the newer of the informers' object of key (lookup's,
// nil when they have none) and the overlay's entry for key: nil when the
// newer is a deletion. The result is shared: the caller copies it.
//
// It reads the entry before it calls lookup: an entry goes once the
// informer has delivered the write, after its indexer has it, so an entry
// that is gone by the time lookup runs is in what lookup returns. (Read the
// other way round, an informer catching up in between left the older
// object with no entry to correct it.)
func (o *overlay) resolve(key string, lookup func() (store.Object, error)) (store.Object, error) {
	o.mu.Lock()
	var p pending
	e := o.entries[key]
	if e != nil {
		p = *e
	}
	o.mu.Unlock()
	cached, err := lookup()
	if err != nil {
		return nil, err
	}
	if e == nil || cached != nil && p.write.CaughtUp(cached) {
		return cached, nil
	}
	return p.obj, nil
}

// pendingKeys returns the keys with entries, for lists to merge. A list
// takes them before it reads the informers' objects, for the reason
// resolve reads the entry first.
func (o *overlay) pendingKeys() map[string]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]bool, len(o.entries))
	for k := range o.entries {
		out[k] = true
	}
	return out
}

// sweep drops the entries older than staleAfter: writes whose events never
// come (a write that changed nothing) or came before the write was
// recorded (another client deleted the object in between), and which the
// informer, far quicker than staleAfter, has long caught up with or never
// will. It runs at most once per staleAfter.
func (o *overlay) sweep() {
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	if now.Sub(o.swept) < staleAfter {
		return
	}
	o.swept = now
	for key, p := range o.entries {
		if now.Sub(p.written) >= staleAfter {
			delete(o.entries, key)
		}
	}
}
