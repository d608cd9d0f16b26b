package objstore

import (
	"context"
	"strconv"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// create stores a copy of in as a new object: defaulted, validated, without
// status, with new system fields.
func (s *Store) create(ctx context.Context, k *Kind, in store.Object) (store.Object, error) {
	obj := in.DeepCopyObject().(store.Object)
	GenerateName(obj)
	if err := ValidateCreate(k, obj); err != nil {
		return nil, err
	}
	k.setStatus(obj, k.New())
	obj.SetDeletionTimestamp(nil)
	obj.SetDeletionGracePeriodSeconds(nil)
	k.SetTypeMeta(obj)
	return s.write(ctx, k, func(tx Tx) (store.Object, *watch.Event, error) {
		key := k.Key(obj.GetNamespace(), obj.GetName())
		if old, err := tx.Get(k, key); err != nil || old != nil {
			return nil, nil, orErr(err, errAlreadyExists(k, obj.GetName()))
		}
		rv, err := tx.NextResourceVersion()
		if err != nil {
			return nil, nil, err
		}
		obj.SetUID(uuid.NewUUID())
		obj.SetResourceVersion(formatRV(rv))
		obj.SetGeneration(1)
		obj.SetCreationTimestamp(metav1.NewTime(s.now()))
		if err := tx.Put(k, key, obj); err != nil {
			return nil, nil, err
		}
		return obj, &watch.Event{Type: watch.Added, Object: obj}, nil
	})
}

// update writes the metadata and spec of a copy of in over the stored
// object, and removes the object when the update leaves a deleted object
// without finalizers.
func (s *Store) update(ctx context.Context, k *Kind, in store.Object) (store.Object, error) {
	obj := in.DeepCopyObject().(store.Object)
	v1alpha1.SetDefaults(obj)
	if err := CheckObjectNamespace(k, obj); err != nil {
		return nil, err
	}
	return s.write(ctx, k, func(tx Tx) (store.Object, *watch.Event, error) {
		old, err := current(tx, k, obj)
		if err != nil {
			return nil, nil, err
		}
		specChanged := prepareUpdate(k, obj, old)
		if err := validateUpdate(k, obj, old); err != nil {
			return nil, nil, err
		}
		if old.GetDeletionTimestamp() != nil && len(obj.GetFinalizers()) == 0 {
			return remove(tx, k, obj)
		}
		// obj has old's status: it differs from old only if its metadata
		// or its spec do.
		if !specChanged && equality.Semantic.DeepEqual(objectMeta(obj), objectMeta(old)) {
			return unchanged(old)
		}
		return replace(tx, k, obj)
	})
}

// updateStatus writes the status of in over the stored object.
func (s *Store) updateStatus(ctx context.Context, k *Kind, in store.Object) (store.Object, error) {
	if err := CheckObjectNamespace(k, in); err != nil {
		return nil, err
	}
	return s.write(ctx, k, func(tx Tx) (store.Object, *watch.Event, error) {
		old, err := current(tx, k, in)
		if err != nil {
			return nil, nil, err
		}
		next := old.DeepCopyObject().(store.Object)
		k.setStatus(next, in)
		// next is old with in's status: it differs from old only if the
		// status does.
		if equality.Semantic.DeepEqual(k.status(next), k.status(old)) {
			return unchanged(old)
		}
		return replace(tx, k, next)
	})
}

// delete removes the object, or marks it for deletion when it has
// finalizers.
func (s *Store) delete(ctx context.Context, k *Kind, namespace, name, uid string) error {
	if err := CheckNamespaceArg(k, namespace, false); err != nil {
		return err
	}
	_, err := s.write(ctx, k, func(tx Tx) (store.Object, *watch.Event, error) {
		old, err := tx.Get(k, k.Key(namespace, name))
		if err != nil || old == nil {
			return nil, nil, orErr(err, errNotFound(k, name))
		}
		if uid != "" && string(old.GetUID()) != uid {
			return nil, nil, errUIDPrecondition(k, name, uid, string(old.GetUID()))
		}
		if len(old.GetFinalizers()) == 0 {
			return remove(tx, k, old)
		}
		if old.GetDeletionTimestamp() != nil {
			return old, nil, nil // already marked: nothing changes
		}
		next := old.DeepCopyObject().(store.Object)
		markDeleting(next, metav1.NewTime(s.now()))
		return replace(tx, k, next)
	})
	return err
}

// current returns the stored object that obj updates, after the API
// server's checks in its order: a uid on obj is a precondition (Conflict),
// then the resourceVersion must be the stored one. The caller only reads
// it: from a backend whose stored objects are shared (SharedTx) it is the
// stored object itself, not a copy.
func current(tx Tx, k *Kind, obj store.Object) (store.Object, error) {
	name := obj.GetName()
	get := tx.Get
	if st, ok := tx.(SharedTx); ok {
		get = st.GetShared
	}
	old, err := get(k, k.Key(obj.GetNamespace(), name))
	if err != nil || old == nil {
		return nil, orErr(err, errNotFound(k, name))
	}
	k.SetTypeMeta(old)
	if uid := obj.GetUID(); uid != "" && uid != old.GetUID() {
		return nil, errUIDPrecondition(k, name, string(uid), string(old.GetUID()))
	}
	if err := errResourceVersion(k, name, obj.GetResourceVersion(), old.GetResourceVersion()); err != nil {
		return nil, err
	}
	return old, nil
}

// replace stores obj over the stored object with a new resourceVersion and
// returns the Modified event. The caller has found that obj differs from
// it: the API server does not write an update that changes nothing (see
// unchanged).
func replace(tx Tx, k *Kind, obj store.Object) (store.Object, *watch.Event, error) {
	k.SetTypeMeta(obj)
	rv, err := tx.NextResourceVersion()
	if err != nil {
		return nil, nil, err
	}
	obj.SetResourceVersion(formatRV(rv))
	if err := tx.Put(k, k.Key(obj.GetNamespace(), obj.GetName()), obj); err != nil {
		return nil, nil, err
	}
	return obj, &watch.Event{Type: watch.Modified, Object: obj}, nil
}

// unchanged is the result of an update that changes nothing: no write, no
// event, and a copy of the stored object for the caller (old may be the
// stored object itself).
func unchanged(old store.Object) (store.Object, *watch.Event, error) {
	return old.DeepCopyObject().(store.Object), nil, nil
}

// objectMeta returns a pointer to obj's metadata, for comparisons that copy
// nothing.
func objectMeta(obj store.Object) any {
	return obj.(metav1.ObjectMetaAccessor).GetObjectMeta()
}

// remove deletes obj with a new resourceVersion and returns the Deleted
// event.
func remove(tx Tx, k *Kind, obj store.Object) (store.Object, *watch.Event, error) {
	rv, err := tx.NextResourceVersion()
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Delete(k, k.Key(obj.GetNamespace(), obj.GetName())); err != nil {
		return nil, nil, err
	}
	k.SetTypeMeta(obj)
	obj.SetResourceVersion(formatRV(rv))
	return obj, &watch.Event{Type: watch.Deleted, Object: obj}, nil
}

// orErr returns err when it is not nil, else alt.
func orErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

func formatRV(rv uint64) string { return strconv.FormatUint(rv, 10) }
