package objstore

import (
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var metadataPath = field.NewPath("metadata")

// CheckNamespaceArg checks the namespace argument of Get and Delete
// (all false) or List and Watch (all true, where "" means every namespace):
// a BadRequest error when the cluster-scoped kind gets a namespace or a
// namespaced kind gets none where one is needed.
func CheckNamespaceArg(k *Kind, namespace string, all bool) error {
	switch {
	case !k.Namespaced && namespace != "":
		return apierrors.NewBadRequest(fmt.Sprintf("%s is cluster-scoped: the namespace must be empty, not %q", k.Name, namespace))
	case k.Namespaced && namespace == "" && !all:
		return apierrors.NewBadRequest(fmt.Sprintf("%s is namespaced: a namespace is required", k.Name))
	}
	return nil
}

// ValidateCreate applies the API defaults to obj (v1alpha1.SetDefaults) and
// validates it as Create does: the metadata rules of the API server (a
// namespace exactly for the namespaced kinds, labels, annotations,
// finalizers, owner references) and the kind's v1alpha1.Validate function.
// It returns an Invalid error naming every bad field, or nil.
func ValidateCreate(k *Kind, obj store.Object) error {
	v1alpha1.SetDefaults(obj)
	errs := apivalidation.ValidateObjectMetaAccessor(obj, k.Namespaced, noNameCheck, metadataPath)
	errs = append(errs, k.validate(obj)...)
	return errInvalid(k, obj.GetName(), dedupe(errs))
}

// ValidateUpdate applies the defaults and makes the checks of
// ValidateCreate before an Update, for a store that does not hold the stored
// object (store/kube, whose server then checks the rest: resourceVersion and
// the fields an update may not change).
func ValidateUpdate(k *Kind, obj store.Object) error { return ValidateCreate(k, obj) }

// validateUpdate validates obj, defaulted and prepared by prepareUpdate,
// against the stored object old, as the API server validates an update.
func validateUpdate(k *Kind, obj, old store.Object) error {
	errs := apivalidation.ValidateObjectMetaAccessorUpdate(obj, old, metadataPath)
	errs = append(errs, k.validate(obj)...)
	return errInvalid(k, obj.GetName(), dedupe(errs))
}

// CheckObjectNamespace is the namespace rule for the object that an Update
// or UpdateStatus names: Invalid when a namespaced kind has none or the
// cluster-scoped kind has one.
func CheckObjectNamespace(k *Kind, obj store.Object) error {
	fp := metadataPath.Child("namespace")
	switch ns := obj.GetNamespace(); {
	case k.Namespaced && ns == "":
		return errInvalid(k, obj.GetName(), field.ErrorList{field.Required(fp, "")})
	case !k.Namespaced && ns != "":
		return errInvalid(k, obj.GetName(), field.ErrorList{field.Forbidden(fp, k.Name+" is cluster-scoped")})
	}
	return nil
}

// noNameCheck leaves name validation to the kind's Validate function, which
// checks names as the CRD does.
func noNameCheck(string, bool) []string { return nil }

// dedupe drops errors of the same type on the same field that both the
// metadata rules and the kind's rules report.
func dedupe(errs field.ErrorList) field.ErrorList {
	type key struct {
		t     field.ErrorType
		field string
	}
	seen := make(map[key]bool, len(errs))
	out := errs[:0:0]
	for _, e := range errs {
		k := key{e.Type, e.Field}
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
