package csi

import (
	"context"
	"errors"
	"net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/dpsdk/dataprotection/drivers"
)

// apiError wraps an error of the API server (or of the call's context) with
// the operation that failed and the driver code its kind maps to.
func apiError(op string, err error) error {
	return drivers.Errorf(codeOf(err), "csi: %s: %w", op, err)
}

// codeOf maps an API server, network or context error to a driver code.
func codeOf(err error) drivers.Code {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return drivers.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return drivers.DeadlineExceeded
	case apierrors.IsNotFound(err):
		return drivers.NotFound
	case apierrors.IsAlreadyExists(err):
		return drivers.AlreadyExists
	case apierrors.IsConflict(err), apierrors.IsGone(err), apierrors.IsResourceExpired(err):
		return drivers.Conflict
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return drivers.InvalidArgument
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return drivers.PermissionDenied
	case apierrors.IsTooManyRequests(err):
		return drivers.ResourceExhausted
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsInternalError(err), apierrors.IsUnexpectedServerError(err):
		return drivers.Unavailable
	case apierrors.IsMethodNotSupported(err), apierrors.IsNotAcceptable(err), apierrors.IsUnsupportedMediaType(err):
		return drivers.Internal
	case errors.As(err, &netErr):
		return drivers.Unavailable
	}
	return drivers.Unknown
}
