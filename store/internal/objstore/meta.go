package objstore

import (
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/store"
)

// maxGeneratedNameBase keeps a generated name within the 63 characters of a
// DNS label, as the API server's name generator does.
const maxGeneratedNameBase = 63 - 5

// GenerateName sets the name of an object that has only a generateName to
// that prefix and five random characters, as the API server does. A name
// taken already makes Create fail with AlreadyExists; the caller may retry.
func GenerateName(obj store.Object) {
	base := obj.GetGenerateName()
	if obj.GetName() != "" || base == "" {
		return
	}
	if len(base) > maxGeneratedNameBase {
		base = base[:maxGeneratedNameBase]
	}
	obj.SetName(base + utilrand.String(5))
}

// prepareUpdate makes obj what an update of old to obj stores, before
// validation: old's status, system fields an update may not change, and the
// generation, bumped when the spec changed. The API server does the same
// (an update that sets deletionTimestamp then fails validation). It
// reports whether the spec changed. old is only read, and nothing of it is
// shared with obj (old may be the stored object, obj goes to the caller).
func prepareUpdate(k *Kind, obj, old store.Object) (specChanged bool) {
	k.setStatus(obj, old)
	if obj.GetUID() == "" {
		obj.SetUID(old.GetUID())
	}
	obj.SetCreationTimestamp(old.GetCreationTimestamp())
	if old.GetDeletionTimestamp() != nil {
		obj.SetDeletionTimestamp(old.GetDeletionTimestamp().DeepCopy())
	}
	if grace := old.GetDeletionGracePeriodSeconds(); grace != nil && obj.GetDeletionGracePeriodSeconds() == nil {
		obj.SetDeletionGracePeriodSeconds(ptr.To(*grace))
	}
	gen := old.GetGeneration()
	specChanged = !equality.Semantic.DeepEqual(k.spec(obj), k.spec(old))
	if specChanged {
		gen++
	}
	obj.SetGeneration(gen)
	return specChanged
}

// markDeleting sets the deletionTimestamp of an object with finalizers, a
// zero grace period, and bumps its generation, as the API server does for
// kinds without graceful deletion.
func markDeleting(obj store.Object, now metav1.Time) {
	obj.SetGeneration(obj.GetGeneration() + 1)
	obj.SetDeletionTimestamp(&now)
	var zero int64
	obj.SetDeletionGracePeriodSeconds(&zero)
}
