package kube

import (
	"context"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
)

// client is the part of a generated typed client (BackupInterface, ...)
// that the store uses.
type client[T store.Object, L runtime.Object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	UpdateStatus(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	List(ctx context.Context, opts metav1.ListOptions) (L, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// resource is the store.Resource of one kind, over its typed client.
type resource[T store.Object, L runtime.Object] struct {
	s      *Store
	k      *objstore.Kind
	c      *kindCache // nil with DirectReads
	client func(namespace string) client[T, L]
	items  func(L) []T
}

// cached reports whether reads of namespace come from the cache.
func (r *resource[T, L]) cached(namespace string) bool { return r.c != nil && r.c.covers(namespace) }

// Get reads the object from the cache, or from the API server.
func (r *resource[T, L]) Get(ctx context.Context, namespace, name string) (T, error) {
	if err := r.check(namespace, false); err != nil {
		return zero[T](), err
	}
	if r.cached(namespace) {
		return typed[T](r.c.get(ctx, namespace, name))
	}
	return r.typed(r.client(namespace).Get(ctx, name, metav1.GetOptions{}))
}

// List lists the objects from the cache, or from the API server, sorted
// by namespace and name.
func (r *resource[T, L]) List(ctx context.Context, namespace string, selector labels.Selector) ([]T, error) {
	if err := r.check(namespace, true); err != nil {
		return nil, err
	}
	if r.cached(namespace) {
		return typedList[T](r.c.list(ctx, namespace, selector))
	}
	return r.listDirect(ctx, namespace, selector)
}

// listDirect lists the objects from the API server.
func (r *resource[T, L]) listDirect(ctx context.Context, namespace string, selector labels.Selector) ([]T, error) {
	opts := metav1.ListOptions{}
	if selector != nil {
		if _, selectable := selector.Requirements(); !selectable {
			return nil, nil // labels.Nothing(), which has no string form
		}
		opts.LabelSelector = selector.String()
	}
	list, err := r.client(namespace).List(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := r.items(list)
	for _, o := range out {
		o.SetManagedFields(nil)
		r.k.SetTypeMeta(o)
	}
	objstore.SortObjects(out)
	return out, nil
}

// ListBy reads the cache's index, or lists the namespace from the API
// server and keeps the objects that have value in idx.
func (r *resource[T, L]) ListBy(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	return r.listBy(ctx, namespace, idx, value, false)
}

// ListByShared is ListBy without copies when the kind is cached: the
// objects are the informers' own (see store.SharedLister). Uncached, it
// is ListBy.
func (r *resource[T, L]) ListByShared(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	return r.listBy(ctx, namespace, idx, value, true)
}

func (r *resource[T, L]) listBy(ctx context.Context, namespace string, idx store.Index, value string, shared bool) ([]T, error) {
	if err := r.check(namespace, true); err != nil {
		return nil, err
	}
	if err := objstore.CheckIndexArg(r.k, idx); err != nil {
		return nil, err
	}
	if r.cached(namespace) {
		return typedList[T](r.c.listBy(ctx, namespace, idx, value, shared))
	}
	all, err := r.listDirect(ctx, namespace, nil)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, o := range all {
		if store.Matches(idx, value, o) {
			out = append(out, o)
		}
	}
	return out, nil
}

// Create defaults and validates a copy of obj and creates it.
func (r *resource[T, L]) Create(ctx context.Context, obj T) (T, error) {
	if err := r.s.checkOpen(); err != nil {
		return zero[T](), err
	}
	obj = obj.DeepCopyObject().(T)
	objstore.GenerateName(obj)
	if err := objstore.ValidateCreate(r.k, obj); err != nil {
		return zero[T](), err
	}
	obj.SetResourceVersion("")
	opts := metav1.CreateOptions{FieldManager: r.s.opts.FieldManager}
	return r.written(r.client(obj.GetNamespace()).Create(ctx, obj, opts))
}

// Update defaults and validates a copy of obj and updates the object.
func (r *resource[T, L]) Update(ctx context.Context, obj T) (T, error) {
	if err := r.s.checkOpen(); err != nil {
		return zero[T](), err
	}
	obj = obj.DeepCopyObject().(T)
	if err := objstore.ValidateUpdate(r.k, obj); err != nil {
		return zero[T](), err
	}
	opts := metav1.UpdateOptions{FieldManager: r.s.opts.FieldManager}
	return r.written(r.client(obj.GetNamespace()).Update(ctx, obj, opts))
}

// UpdateStatus writes obj's status through the status subresource.
func (r *resource[T, L]) UpdateStatus(ctx context.Context, obj T) (T, error) {
	if err := r.s.checkOpen(); err != nil {
		return zero[T](), err
	}
	if err := objstore.CheckObjectNamespace(r.k, obj); err != nil {
		return zero[T](), err
	}
	obj = obj.DeepCopyObject().(T)
	opts := metav1.UpdateOptions{FieldManager: r.s.opts.FieldManager}
	return r.written(r.client(obj.GetNamespace()).UpdateStatus(ctx, obj, opts))
}

// Delete deletes the object, with a UID precondition when uid is not empty.
func (r *resource[T, L]) Delete(ctx context.Context, namespace, name, uid string) error {
	if err := r.check(namespace, false); err != nil {
		return err
	}
	opts := metav1.DeleteOptions{}
	if uid != "" {
		opts.Preconditions = metav1.NewUIDPreconditions(uid)
	}
	if !r.cached(namespace) {
		return r.client(namespace).Delete(ctx, name, opts)
	}
	return r.deleteRecorded(ctx, namespace, name, opts)
}

// Watch serves the changes from the cache's informers, or watches the API
// server after its current resourceVersion.
func (r *resource[T, L]) Watch(ctx context.Context, namespace string) (watch.Interface, error) {
	if err := r.check(namespace, true); err != nil {
		return nil, err
	}
	if r.cached(namespace) {
		return r.c.watch(ctx, namespace)
	}
	c := r.client(namespace)
	// A watch from no resourceVersion would first replay every object as
	// Added; the SPI streams only the changes after the call. A list of one
	// item says the current resourceVersion.
	list, err := c.List(ctx, metav1.ListOptions{Limit: 1})
	if err != nil {
		return nil, err
	}
	lm, err := apimeta.ListAccessor(list)
	if err != nil {
		return nil, err
	}
	w, err := c.Watch(ctx, metav1.ListOptions{ResourceVersion: lm.GetResourceVersion()})
	if err != nil {
		return nil, err
	}
	return r.s.track(w, r.k)
}

// check checks that the store is open and the namespace argument.
func (r *resource[T, L]) check(namespace string, all bool) error {
	if err := r.s.checkOpen(); err != nil {
		return err
	}
	return objstore.CheckNamespaceArg(r.k, namespace, all)
}

// typed sets the apiVersion and kind of a returned object and drops its
// managedFields, as the cached reads do.
func (r *resource[T, L]) typed(obj T, err error) (T, error) {
	if err != nil {
		return zero[T](), err
	}
	obj.SetManagedFields(nil)
	r.k.SetTypeMeta(obj)
	return obj, nil
}

// written is typed for the result of a write, which the cache then
// overlays until its informer catches up: an update that removed the last
// finalizer of an object marked for deletion deleted it.
func (r *resource[T, L]) written(obj T, err error) (T, error) {
	if obj, err = r.typed(obj, err); err == nil && r.c != nil {
		r.c.record(obj, obj.GetDeletionTimestamp() != nil && len(obj.GetFinalizers()) == 0)
	}
	return obj, err
}

// typed converts the result of a cached read.
func typed[T store.Object](obj store.Object, err error) (T, error) {
	if err != nil {
		return zero[T](), err
	}
	return obj.(T), nil
}

// typedList converts the result of a cached list.
func typedList[T store.Object](objs []store.Object, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]T, len(objs))
	for i, o := range objs {
		out[i] = o.(T)
	}
	return out, nil
}

func zero[T any]() T {
	var z T
	return z
}
