package kube

import (
	"context"
	"reflect"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/store"
)

// deleteRecorded deletes the object through the REST client, which returns
// what the server answered: the object marked for deletion when it has
// finalizers, else a Status. The cache overlays the marked object, or the
// deletion of the UID it knew, so that reads after the deletion do not find
// the object as it was before. A client without a REST client (a fake) deletes through the
// typed client, and reads may then see the object until the informer
// catches up.
func (r *resource[T, L]) deleteRecorded(ctx context.Context, namespace, name string, opts metav1.DeleteOptions) error {
	rc := r.s.api().RESTClient()
	if rc == nil || reflect.ValueOf(rc).IsNil() {
		return r.client(namespace).Delete(ctx, name, opts)
	}
	got, err := rc.Delete().NamespaceIfScoped(namespace, r.k.Namespaced).Resource(r.k.Resource).Name(name).
		Body(&opts).Do(ctx).Get()
	if err != nil {
		return err
	}
	if obj, ok := got.(store.Object); ok && obj.GetDeletionTimestamp() != nil {
		r.c.record(obj, false) // marked for deletion: it has finalizers
		return nil
	}
	gone := r.k.New() // deleted at once: the server answers with a Status
	gone.SetNamespace(namespace)
	gone.SetName(name)
	gone.SetUID(r.c.uidOf(namespace, name, opts))
	r.c.record(gone, true)
	return nil
}

// uidOf is the UID a deletion removed: the precondition's, else the one
// the cache knew, else "" (unknown: any object of the name is hidden until
// the informer delivers the deletion).
func (c *kindCache) uidOf(namespace, name string, opts metav1.DeleteOptions) types.UID {
	if p := opts.Preconditions; p != nil && p.UID != nil {
		return *p.UID
	}
	if obj, _ := c.resolve(namespace, c.key(namespace, name)); obj != nil {
		return obj.GetUID()
	}
	return ""
}
