// Package objversion tells whether an informer has caught up with a
// client's own write: what the kube store's and the drivers' overlays of
// their own writes (store/kube, internal/taskwatch) both ask of an event.
// Resource versions are compared as the integers the API server issues
// (etcd revisions); one that does not parse is never taken for newer.
package objversion

import (
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Write is what a client's own write left of an object: its
// resourceVersion, or its deletion, and its UID when known.
type Write struct {
	RV      uint64 // 0 for a deletion: the server does not say at which version it deleted
	UID     types.UID
	Deleted bool
}

// Of returns the write that obj records: obj as the API server returned it,
// or, when deleted is set, its deletion (obj then only names the object and
// its UID, when known). It is false for a write whose version does not
// parse.
func Of(obj metav1.Object, deleted bool) (Write, bool) {
	if deleted {
		return Write{UID: obj.GetUID(), Deleted: true}, true
	}
	rv, ok := ParseRV(obj.GetResourceVersion())
	return Write{RV: rv, UID: obj.GetUID()}, ok
}

// CaughtUp reports whether the informer's obj is as new as the write: at
// its version or later, or, for a deletion, another object of the same
// name (another UID).
func (w Write) CaughtUp(obj metav1.Object) bool {
	if w.Deleted {
		return w.UID != "" && obj.GetUID() != w.UID
	}
	rv, ok := ParseRV(obj.GetResourceVersion())
	return ok && rv >= w.RV
}

// SettledBy reports whether the informer's event of obj (its deletion when
// deleted is set) has caught up with the write: a deletion of the object
// the write is about, or an event as new as the write (CaughtUp). The
// deletion of an earlier object of the name, delivered after the client
// created the next one, does not settle the next one's write.
func (w Write) SettledBy(obj metav1.Object, deleted bool) bool {
	if deleted {
		return SameObject(w.UID, obj.GetUID())
	}
	return w.CaughtUp(obj)
}

// SameObject reports whether two UIDs may be the same object's: equal, or
// one of them unknown.
func SameObject(a, b types.UID) bool { return a == "" || b == "" || a == b }

// ParseRV returns a resourceVersion as the integer the API server issues.
func ParseRV(s string) (uint64, bool) {
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}
