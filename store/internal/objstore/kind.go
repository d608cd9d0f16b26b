package objstore

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Kind describes one of the four kinds to the shared code and to backends.
// The descriptors are the package variables BackupKind, BackupPolicyKind,
// BackupToolKind and RestoreJobKind; backends may use Resource as the name
// of the kind's storage (a bucket, a map).
type Kind struct {
	// Name is the kind, such as "Backup".
	Name string
	// Resource is the plural resource name, such as "backups".
	Resource string
	// Namespaced is false for the cluster-scoped BackupTool.
	Namespaced bool
	// New returns a new, empty object of the kind.
	New func() store.Object

	validate func(store.Object) field.ErrorList
	// spec and status return a pointer to the object's spec and status,
	// for comparisons that copy nothing.
	spec      func(store.Object) any
	status    func(store.Object) any
	setStatus func(dst, src store.Object)
}

// The four kinds.
var (
	// BackupKind describes Backup.
	BackupKind = newKind("Backup", "backups", true, v1alpha1.ValidateBackup,
		func(o *v1alpha1.Backup) any { return &o.Spec },
		func(o *v1alpha1.Backup) any { return &o.Status },
		func(dst, src *v1alpha1.Backup) { dst.Status = *src.Status.DeepCopy() })
	// BackupPolicyKind describes BackupPolicy.
	BackupPolicyKind = newKind("BackupPolicy", "backuppolicies", true, v1alpha1.ValidateBackupPolicy,
		func(o *v1alpha1.BackupPolicy) any { return &o.Spec },
		func(o *v1alpha1.BackupPolicy) any { return &o.Status },
		func(dst, src *v1alpha1.BackupPolicy) { dst.Status = *src.Status.DeepCopy() })
	// BackupToolKind describes the cluster-scoped BackupTool.
	BackupToolKind = newKind("BackupTool", "backuptools", false, v1alpha1.ValidateBackupTool,
		func(o *v1alpha1.BackupTool) any { return &o.Spec },
		func(o *v1alpha1.BackupTool) any { return &o.Status },
		func(dst, src *v1alpha1.BackupTool) { dst.Status = *src.Status.DeepCopy() })
	// RestoreJobKind describes RestoreJob.
	RestoreJobKind = newKind("RestoreJob", "restorejobs", true, v1alpha1.ValidateRestoreJob,
		func(o *v1alpha1.RestoreJob) any { return &o.Spec },
		func(o *v1alpha1.RestoreJob) any { return &o.Status },
		func(dst, src *v1alpha1.RestoreJob) { dst.Status = *src.Status.DeepCopy() })
)

// Kinds lists the four kinds, for backends that prepare storage for each.
var Kinds = []*Kind{BackupKind, BackupPolicyKind, BackupToolKind, RestoreJobKind}

// newKind builds a Kind from the typed functions of one kind.
func newKind[T interface {
	store.Object
	*E
}, E any](name, resource string, namespaced bool, validate func(T) field.ErrorList,
	spec, status func(T) any, setStatus func(dst, src T)) *Kind {
	return &Kind{
		Name:       name,
		Resource:   resource,
		Namespaced: namespaced,
		New:        func() store.Object { return T(new(E)) },
		validate:   func(o store.Object) field.ErrorList { return validate(o.(T)) },
		spec:       func(o store.Object) any { return spec(o.(T)) },
		status:     func(o store.Object) any { return status(o.(T)) },
		setStatus:  func(dst, src store.Object) { setStatus(dst.(T), src.(T)) },
	}
}

// GroupKind is the kind's group and kind, as Invalid errors name it.
func (k *Kind) GroupKind() schema.GroupKind { return v1alpha1.Kind(k.Name) }

// GroupResource is the kind's group and resource, as NotFound,
// AlreadyExists and Conflict errors name it.
func (k *Kind) GroupResource() schema.GroupResource { return v1alpha1.Resource(k.Resource) }

// SetTypeMeta sets obj's apiVersion and kind to this kind's. It writes
// nothing when they are set already, so it may be called on a stored
// object that readers share.
func (k *Kind) SetTypeMeta(obj store.Object) {
	gvk := v1alpha1.SchemeGroupVersion.WithKind(k.Name)
	if obj.GetObjectKind().GroupVersionKind() != gvk {
		obj.GetObjectKind().SetGroupVersionKind(gvk)
	}
}

// Key is the storage key of an object of this kind: "namespace/name", or
// "name" for the cluster-scoped kind.
func (k *Kind) Key(namespace, name string) string {
	if !k.Namespaced {
		return name
	}
	return namespace + "/" + name
}

// KeyPrefix is the prefix of the keys of a namespace's objects, and "" for
// all namespaces or the cluster-scoped kind.
func (k *Kind) KeyPrefix(namespace string) string {
	if !k.Namespaced || namespace == "" {
		return ""
	}
	return namespace + "/"
}
