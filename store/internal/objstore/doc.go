// Package objstore holds the semantics the embedded stores (store/memory and
// store/bolt) share, so that each of them only moves objects in and out of
// its storage: the API-server rules of package store (system fields,
// defaults, validation, optimistic concurrency, status subresource,
// finalizers) and the fan-out of watch events.
//
// A store is a [Store] over a [Backend]. The Backend runs transactions
// ([Tx]) that get, list, put and delete objects and hand out resource
// versions; the Store decides what to write. Write transactions run one at a
// time, and their watch events are published after the commit, in commit
// order.
//
// # Slow watchers
//
// Each watcher has a buffered channel (Options.WatchBuffer events). A writer
// never waits for a watcher: when a watcher's buffer is full, the store
// closes that watcher's channel instead of blocking, exactly as when the
// watch's context ends. The watcher then lists and watches again, which is
// what every client of a Kubernetes watch must do when a watch ends.
//
// The package also exports the checks store/kube makes before it sends a
// request ([ValidateCreate], [ValidateUpdate], [CheckNamespaceArg]), so that
// every store rejects the same objects with the same errors.
package objstore
