// Package slim trims what the SDK's own informers keep of an object: the
// transform the kube store's caches (store/kube) and the drivers' task
// watches (internal/taskwatch) both set.
package slim

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ManagedFields is an informer transform (cache.TransformFunc) that drops
// an object's managedFields, the server's field bookkeeping, which nothing
// in the SDK reads. It changes the object in place, as a transform may
// (the informer owns what it is given), and leaves an object with none
// untouched; anything that is not an object passes as it is.
func ManagedFields(obj any) (any, error) {
	if m, ok := obj.(metav1.Object); ok && m.GetManagedFields() != nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}
