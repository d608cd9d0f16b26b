package main

import (
	"context"
	"io"
	"time"

	"github.com/dpsdk/dataprotection/store"
)

// backend is where the objects live: a cluster (kubeBackend) or a bolt file
// (embeddedBackend).
type backend interface {
	// Store holds the objects.
	Store() store.Store
	// Namespace is the namespace of commands without -n.
	Namespace() string
	// Events returns what the backend recorded about obj, oldest first.
	// ok is false when the backend keeps no events.
	Events(ctx context.Context, obj store.Object) (events []event, ok bool, err error)
	// Logs writes the output of the tasks of obj, a Backup or RestoreJob.
	Logs(ctx context.Context, w io.Writer, obj store.Object) error
	// CheckWork says, before anything is written, why Work would fail for
	// what the command does (what, such as "create backup --wait").
	CheckWork(what string) error
	// Work makes sure something runs the objects' work while the caller
	// waits: in a cluster the operator does, embedded dpctl runs an engine
	// until stop is called. The returned context ends when ctx does or
	// when that engine fails; onEvent receives the engine's events.
	Work(ctx context.Context, onEvent func(event)) (workCtx context.Context, stop func(), err error)
	// Close releases the backend (the bolt file's lock).
	Close() error
}

// event is one event about an object.
type event struct {
	Object  string // "backup default/b1"
	Type    string // Normal or Warning
	Reason  string
	Message string
	Count   int32
	Last    time.Time
}

// openOptions say what a command needs of the backend.
type openOptions struct {
	// create lets the embedded backend create a missing bolt file.
	create bool
}

// openBackend opens the backend the flags and environment select: --db,
// then --kubeconfig/--context, then DPCTL_DB, then the default kubeconfig.
func (a *app) openBackend(ctx context.Context, o openOptions) (backend, error) {
	explicitKube := a.kubeconfig != "" || a.kubeContext != ""
	switch {
	case a.db != "" && explicitKube:
		return nil, usageErrorf("--db (a bolt file) and --kubeconfig/--context (a cluster) select different backends: pass one")
	case a.db != "":
		return openEmbedded(a, a.db, o)
	case !explicitKube && a.env(envDB) != "":
		return openEmbedded(a, a.env(envDB), o)
	}
	return openKube(ctx, a)
}

// namespaceFor is the namespace a command acts in for kind k: none for the
// cluster-scoped BackupTool, else -n or the backend's default.
func (a *app) namespaceFor(be backend, k *kind) string {
	switch {
	case !k.namespaced:
		return ""
	case a.namespace != "":
		return a.namespace
	}
	return be.Namespace()
}

// configPath is --config or DPCTL_CONFIG.
func (a *app) configPath() string {
	if a.config != "" {
		return a.config
	}
	return a.env(envConfig)
}
