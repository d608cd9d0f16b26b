package store

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Object is an API object of this SDK: a pointer to a Backup, BackupPolicy,
// BackupTool or RestoreJob.
type Object interface {
	runtime.Object
	metav1.Object
}

// Store holds the four kinds. Implementations are safe for concurrent use.
type Store interface {
	// Backups is the namespaced Backup resource.
	Backups() Resource[*v1alpha1.Backup]
	// BackupPolicies is the namespaced BackupPolicy resource.
	BackupPolicies() Resource[*v1alpha1.BackupPolicy]
	// BackupTools is the cluster-scoped BackupTool resource: namespace
	// arguments are ignored and must be "".
	BackupTools() Resource[*v1alpha1.BackupTool]
	// RestoreJobs is the namespaced RestoreJob resource.
	RestoreJobs() Resource[*v1alpha1.RestoreJob]
	// Close releases the store's resources. Watches end.
	Close() error
}

// SharedLister is an optional interface of a Resource: ListByShared is
// ListBy without the copies. The objects it returns are the store's own
// (its cache's, or the memory store's), shared with every other reader: the
// caller must not modify them or anything they reference, and their
// TypeMeta and managed fields are as the store holds them (either may be
// unset). The executor uses it where it only reads many objects, such as a
// policy's reconcile over the policy's Backups.
type SharedLister[T Object] interface {
	ListByShared(ctx context.Context, namespace string, index Index, value string) ([]T, error)
}

// ListByShared lists through r's SharedLister when it has one, and through
// ListBy (copies) when it has not: either way the caller must treat the
// objects as read-only.
func ListByShared[T Object](ctx context.Context, r Resource[T], namespace string, index Index, value string) ([]T, error) {
	if sl, ok := r.(SharedLister[T]); ok {
		return sl.ListByShared(ctx, namespace, index, value)
	}
	return r.ListBy(ctx, namespace, index, value)
}

// Resource is the access to one kind. Objects passed in are not retained or
// modified; objects returned are the caller's to modify.
type Resource[T Object] interface {
	// Get returns the object; NotFound when it does not exist.
	Get(ctx context.Context, namespace, name string) (T, error)
	// List returns the objects of a namespace ("" for all namespaces)
	// whose labels match selector (nil for all), sorted by namespace and
	// name.
	List(ctx context.Context, namespace string, selector labels.Selector) ([]T, error)
	// ListBy returns the objects of a namespace ("" for all namespaces)
	// that have value among their values of index (see IndexValues),
	// sorted by namespace and name: what List returns, filtered by
	// Matches, without reading the other objects. BadRequest when the
	// kind has no such index.
	ListBy(ctx context.Context, namespace string, index Index, value string) ([]T, error)
	// Create stores a new object and returns it as stored. AlreadyExists
	// when the name is taken, Invalid when validation fails.
	Create(ctx context.Context, obj T) (T, error)
	// Update writes the object's metadata and spec; status is ignored.
	// Conflict when obj's resourceVersion is not the current one, or when
	// obj carries a UID that is not the stored object's; Invalid when the
	// resourceVersion is empty. A write that changes nothing may keep the
	// resourceVersion.
	Update(ctx context.Context, obj T) (T, error)
	// UpdateStatus writes the object's status; metadata and spec are
	// ignored. Conflict when obj's resourceVersion is not the current one.
	UpdateStatus(ctx context.Context, obj T) (T, error)
	// Delete deletes the object, or marks it with a deletionTimestamp when
	// it has finalizers. NotFound when it does not exist. A non-empty
	// preconditionUID that does not match the object's UID is a Conflict.
	Delete(ctx context.Context, namespace, name string, preconditionUID string) error
	// Watch streams the changes of a namespace ("" for all) made after the
	// call. The channel closes when ctx ends, Stop is called, the store
	// closes, the watcher falls too far behind (embedded stores) or the
	// server ends the watch or sends an Error event (kube); the caller then
	// lists and watches again.
	Watch(ctx context.Context, namespace string) (watch.Interface, error)
}
