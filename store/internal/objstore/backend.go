package objstore

import "github.com/dpsdk/dataprotection/store"

// Backend is where an embedded store keeps its objects. The Store calls
// Update for one write at a time; View may run concurrently with Update and
// with other Views.
type Backend interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed atomically when
	// fn returns nil and discarded when it returns an error.
	Update(fn func(Tx) error) error
	// Close releases the backend. The Store calls it once, after the last
	// transaction.
	Close() error
}

// SharedTx is an optional interface of a Tx whose stored objects are never
// modified once stored (a write stores a new object): GetShared returns the
// stored object itself, for reads that do not modify it (ListByShared, and
// current, the stored object a write replaces).
type SharedTx interface {
	GetShared(k *Kind, key string) (store.Object, error)
}

// Tx is a transaction of a Backend. Objects passed to a Tx are not retained
// (the Tx stores copies) and objects returned are the caller's to modify.
// Keys are Kind.Key values.
type Tx interface {
	// Get returns the object stored under key, or nil when there is none.
	Get(k *Kind, key string) (store.Object, error)
	// List returns the objects whose keys start with prefix, in any order.
	List(k *Kind, prefix string) ([]store.Object, error)
	// Put stores obj under key, replacing any object there.
	Put(k *Kind, key string, obj store.Object) error
	// Delete removes the object under key; it is not an error when there is
	// none.
	Delete(k *Kind, key string) error
	// NextResourceVersion returns a resource version greater than every one
	// returned before, across all kinds and, for a persistent backend,
	// across restarts. It is only called in Update transactions.
	NextResourceVersion() (uint64, error)
}
