// Package bolt is the embedded default store.Store: it persists objects in
// one file with go.etcd.io/bbolt, so that an engine without a Kubernetes
// cluster keeps its Backups, policies, tools and restores across restarts.
//
// It keeps every rule of package store, through the code it shares with
// store/memory: system fields, API defaults, validation, resourceVersion
// conflicts, the status subresource, finalizers and ordered watch events.
//
// # File layout
//
// One bucket per kind, named by its resource ("backups", "backuppolicies",
// "backuptools", "restorejobs"), maps the key "namespace/name" ("name" for
// the cluster-scoped BackupTool) to the object's JSON. The bucket "meta"
// holds the file's schema version and the last resourceVersion handed out,
// so resourceVersions keep growing across restarts.
//
// # Durability and concurrency
//
// Every write (create, update, status update, delete) is one bbolt
// transaction, synced to disk before it returns unless Options.NoSync is
// set, and its watch event is published after the commit. One process can
// have a file open at a time: Open fails, after Options.Timeout, with an
// error wrapping ErrLocked when another Store (of this or another process)
// holds it.
//
// # Damaged files
//
// A damaged file gives errors, never a panic: Open reads every page
// (unless Options.NoCheck) and refuses a file bbolt cannot read (truncated,
// overwritten pages, bad page flags, bad meta pages), and a file that
// exists but is empty, with an error wrapping ErrCorrupt; a call that meets
// a damaged page later returns such an error too. One record that does not
// decode does not fail its kind: List skips it and reports it to
// Options.OnCorrupt (a host logs or alerts there), and Get of it returns an
// error wrapping ErrCorrupt, which the engine reports as the failure of
// that object's reconcile.
//
// Watches live in memory: a watch does not survive Close, and a watcher
// that falls more than Options.WatchBuffer events behind has its channel
// closed, and must list and watch again.
package bolt
