package objstore

import (
	"context"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
)

// resource is the store.Resource of one kind: it converts between T and
// store.Object around the Store's untyped operations.
type resource[T store.Object] struct {
	s *Store
	k *Kind
}

var (
	_ store.Resource[store.Object]     = resource[store.Object]{}
	_ store.SharedLister[store.Object] = resource[store.Object]{}
)

// Get returns the object; NotFound when it does not exist.
func (r resource[T]) Get(ctx context.Context, namespace, name string) (T, error) {
	return typed[T](r.s.get(ctx, r.k, namespace, name))
}

// List returns the matching objects, sorted by namespace and name.
func (r resource[T]) List(ctx context.Context, namespace string, selector labels.Selector) ([]T, error) {
	return typedObjects[T](r.s.list(ctx, r.k, namespace, selector))
}

// ListBy returns the objects that have value in idx, sorted by namespace
// and name.
func (r resource[T]) ListBy(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	return typedObjects[T](r.s.listBy(ctx, r.k, namespace, idx, value, false))
}

// ListByShared is ListBy without copies when the backend can share its
// objects (memory); see store.SharedLister.
func (r resource[T]) ListByShared(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	return typedObjects[T](r.s.listBy(ctx, r.k, namespace, idx, value, true))
}

func typedObjects[T store.Object](objs []store.Object, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]T, len(objs))
	for i, o := range objs {
		out[i] = o.(T)
	}
	return out, nil
}

// Create stores a new object.
func (r resource[T]) Create(ctx context.Context, obj T) (T, error) {
	return typed[T](r.s.create(ctx, r.k, obj))
}

// Update writes metadata and spec.
func (r resource[T]) Update(ctx context.Context, obj T) (T, error) {
	return typed[T](r.s.update(ctx, r.k, obj))
}

// UpdateStatus writes status.
func (r resource[T]) UpdateStatus(ctx context.Context, obj T) (T, error) {
	return typed[T](r.s.updateStatus(ctx, r.k, obj))
}

// Delete deletes the object or marks it for deletion.
func (r resource[T]) Delete(ctx context.Context, namespace, name, preconditionUID string) error {
	return r.s.delete(ctx, r.k, namespace, name, preconditionUID)
}

// Watch streams the changes made after the call.
func (r resource[T]) Watch(ctx context.Context, namespace string) (watch.Interface, error) {
	return r.s.watch(ctx, r.k, namespace)
}

// typed converts the result of an untyped operation.
func typed[T store.Object](obj store.Object, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return obj.(T), nil
}
