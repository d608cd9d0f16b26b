package objstore

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
)

// listBy returns the objects of namespace ("" for all) that have value in
// idx, sorted by namespace and name. It reads only the objects the index
// names, and checks each again: an index read just before a write may name
// an object that no longer matches.
// With shared, a backend whose Tx is a SharedTx returns its own objects,
// not copies, and their TypeMeta is left as stored.
func (s *Store) listBy(ctx context.Context, k *Kind, namespace string, idx store.Index, value string, shared bool) ([]store.Object, error) {
	if err := CheckNamespaceArg(k, namespace, true); err != nil {
		return nil, err
	}
	if err := CheckIndexArg(k, idx); err != nil {
		return nil, err
	}
	x, err := s.index(ctx, k)
	if err != nil {
		return nil, err
	}
	keys := x.keys(idx, namespace, value)
	var out []store.Object
	err = s.view(ctx, func(tx Tx) error {
		get, sharing := tx.Get, false
		if st, ok := tx.(SharedTx); ok && shared {
			get, sharing = st.GetShared, true
		}
		for _, key := range keys {
			obj, err := get(k, key)
			if err != nil {
				return err
			}
			if obj != nil && store.Matches(idx, value, obj) && (namespace == "" || obj.GetNamespace() == namespace) {
				if !sharing {
					k.SetTypeMeta(obj)
				}
				out = append(out, obj)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	SortObjects(out)
	return out, nil
}

// CheckIndexArg checks the index argument of ListBy: a BadRequest error
// when the kind has no such index.
func CheckIndexArg(k *Kind, idx store.Index) error {
	if !store.HasIndex(idx, k.New()) {
		return apierrors.NewBadRequest(fmt.Sprintf("%s has no index %q", k.Name, idx))
	}
	return nil
}

// index returns the kind's index, building it from every stored object on
// first use. The build holds writeMu (after lifeMu, in the order write
// takes them), so no write slips between the objects read and the index.
func (s *Store) index(ctx context.Context, k *Kind) (*kindIndex, error) {
	s.idxMu.RLock()
	x := s.indexes[k]
	s.idxMu.RUnlock()
	if x != nil {
		return x, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.lifeMu.RLock()
	defer s.lifeMu.RUnlock()
	if s.closed {
		return nil, ClosedError()
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if x := s.indexes[k]; x != nil {
		return x, nil
	}
	x = newKindIndex(k)
	err := s.backend.View(func(tx Tx) error {
		objs, err := tx.List(k, "")
		for _, o := range objs {
			x.put(k.Key(o.GetNamespace(), o.GetName()), o)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.idxMu.Lock()
	s.indexes[k] = x
	s.idxMu.Unlock()
	return x, nil
}

// reindex applies a committed write's event to the kind's index, if it
// has been built. The caller holds writeMu.
func (s *Store) reindex(k *Kind, ev watch.Event) {
	s.idxMu.RLock()
	x := s.indexes[k]
	s.idxMu.RUnlock()
	if x == nil {
		return
	}
	obj := ev.Object.(store.Object)
	key := k.Key(obj.GetNamespace(), obj.GetName())
	x.mu.Lock()
	defer x.mu.Unlock()
	if ev.Type == watch.Deleted {
		x.remove(key)
		return
	}
	x.put(key, obj)
}
