package objstore

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// optimisticLockMsg is the API server's message for a stale resourceVersion.
const optimisticLockMsg = "the object has been modified; please apply your changes to the latest version and try again"

// ErrClosed is the cause of the ServiceUnavailable error that every call on
// a closed store returns.
var ErrClosed = errors.New("store is closed")

// ClosedError returns the error of a call on a closed store: a
// ServiceUnavailable error with the message of ErrClosed.
func ClosedError() error { return apierrors.NewServiceUnavailable(ErrClosed.Error()) }

func errNotFound(k *Kind, name string) error {
	return apierrors.NewNotFound(k.GroupResource(), name)
}

func errAlreadyExists(k *Kind, name string) error {
	return apierrors.NewAlreadyExists(k.GroupResource(), name)
}

func errConflict(k *Kind, name string) error {
	return apierrors.NewConflict(k.GroupResource(), name, errors.New(optimisticLockMsg))
}

func errUIDPrecondition(k *Kind, name, want, got string) error {
	msg := fmt.Sprintf("Precondition failed: UID in precondition: %s, UID in object meta: %s", want, got)
	return apierrors.NewConflict(k.GroupResource(), name, errors.New(msg))
}

// errInvalid returns nil for no errors, else the Invalid error the API
// server returns, listing at most v1alpha1.MaxReportedErrors errors: the
// message of an Invalid error joins its errors in time quadratic in their
// number.
func errInvalid(k *Kind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(k.GroupKind(), name, v1alpha1.LimitErrors(errs))
}

// errResourceVersion checks an update's resourceVersion against the stored
// one as the API server does: empty is Invalid, different is a Conflict.
func errResourceVersion(k *Kind, name, got, current string) error {
	if got == "" {
		return errInvalid(k, name, field.ErrorList{field.Invalid(
			field.NewPath("metadata", "resourceVersion"), got, "must be specified for an update")})
	}
	if got != current {
		return errConflict(k, name)
	}
	return nil
}
