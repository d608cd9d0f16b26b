package kube

import (
	"time"

	"k8s.io/client-go/tools/cache"
)

// DefaultFieldManager is Options.FieldManager when it is not set.
const DefaultFieldManager = "dataprotection"

// DefaultSyncTimeout is Options.SyncTimeout when it is not set.
const DefaultSyncTimeout = 2 * time.Minute

// Options tune a Store. A nil *Options is the zero value, which is ready to
// use: reads from the store's own informers over every namespace.
type Options struct {
	// FieldManager names the writer in the objects' managedFields; default
	// DefaultFieldManager.
	FieldManager string
	// Namespaces limits the caches to these namespaces; empty means every
	// namespace. Gets, Lists and Watches of one of them, and Lists and
	// Watches of all namespaces ("": the union of these), are served from
	// the caches; those of another namespace go to the API server.
	// BackupTools, cluster-scoped, are always cached.
	Namespaces []string
	// Informers are the host's own informers of some or all of the four
	// kinds, which the store reads from instead of starting its own (see
	// Informers). They must cover Namespaces.
	Informers *Informers
	// DirectReads turns the caches off: every Get and List is a request to
	// the API server and every Watch a watch of its own. Reads are then
	// as fresh as the server's, at the cost of a request each.
	DirectReads bool
	// SyncTimeout bounds how long a read waits for a cache to sync with
	// the API server (its first list) before it fails with
	// ServiceUnavailable; default DefaultSyncTimeout.
	SyncTimeout time.Duration
}

// Informers hands a host's informers to the store: a host that already
// runs informers of the SDK's kinds (the generated SharedInformerFactory of
// client/informers/externalversions, or a controller-runtime cache, whose
// informers are SharedIndexInformers too) shares their caches with the
// store instead of holding every object twice. A host whose own loop is
// woken by its informers must hand them in: the engine then reads the
// cache that woke it, never one that has not seen the change yet. The host starts them and
// stops them after the store's Close; the store adds its indexers and one
// event handler to each (removed by Close) and waits for them to sync
// before it reads. A nil field leaves that kind to an informer of the
// store's own.
type Informers struct {
	Backups, BackupPolicies, BackupTools, RestoreJobs Informer
}

// Informer is what the store needs of a host's informer:
// cache.SharedIndexInformer has it. Its indexer must have an object before
// the handlers get the object's event, as client-go's and
// controller-runtime's informers do: a read relies on it to see its own
// writes.
type Informer interface {
	AddEventHandler(handler cache.ResourceEventHandler) (cache.ResourceEventHandlerRegistration, error)
	RemoveEventHandler(handle cache.ResourceEventHandlerRegistration) error
	AddIndexers(indexers cache.Indexers) error
	GetIndexer() cache.Indexer
}

// withDefaults returns a copy of o with its defaults applied.
func (o Options) withDefaults() Options {
	out := o
	if out.FieldManager == "" {
		out.FieldManager = DefaultFieldManager
	}
	if out.SyncTimeout <= 0 {
		out.SyncTimeout = DefaultSyncTimeout
	}
	return out
}
