package objstore

import (
	"context"
	"sort"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
)

// get returns the stored object or NotFound.
func (s *Store) get(ctx context.Context, k *Kind, namespace, name string) (store.Object, error) {
	if err := CheckNamespaceArg(k, namespace, false); err != nil {
		return nil, err
	}
	var obj store.Object
	err := s.view(ctx, func(tx Tx) (err error) {
		obj, err = tx.Get(k, k.Key(namespace, name))
		return err
	})
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errNotFound(k, name)
	}
	k.SetTypeMeta(obj)
	return obj, nil
}

// list returns the objects of namespace ("" for all) whose labels match
// selector (nil for all), sorted by namespace and name.
func (s *Store) list(ctx context.Context, k *Kind, namespace string, selector labels.Selector) ([]store.Object, error) {
	if err := CheckNamespaceArg(k, namespace, true); err != nil {
		return nil, err
	}
	var objs []store.Object
	err := s.view(ctx, func(tx Tx) (err error) {
		objs, err = tx.List(k, k.KeyPrefix(namespace))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := objs[:0]
	for _, o := range objs {
		if selector == nil || selector.Matches(labels.Set(o.GetLabels())) {
			k.SetTypeMeta(o)
			out = append(out, o)
		}
	}
	SortObjects(out)
	return out, nil
}

// SortObjects sorts objects by namespace, then name: the order of List.
func SortObjects[T store.Object](objs []T) {
	sort.Slice(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	})
}

// watch registers a watcher of namespace ("" for all).
func (s *Store) watch(ctx context.Context, k *Kind, namespace string) (watch.Interface, error) {
	if err := CheckNamespaceArg(k, namespace, true); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.hubs[k].add(ctx, namespace)
}
