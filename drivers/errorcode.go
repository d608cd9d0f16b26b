package drivers

import (
	"context"
	"errors"
	"net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// ErrorCode classifies any error a driver or store may meet: the Code of an
// *Error in its chain; else the kind of a Kubernetes API status error
// (NotFound, AlreadyExists, Conflict — also Gone and expired resource
// versions —, Invalid and BadRequest as InvalidArgument, Forbidden and
// Unauthorized as PermissionDenied, TooManyRequests as ResourceExhausted,
// timeouts and server errors as Unavailable, a request the server cannot
// serve — method, media type — as Internal); a network error as
// Unavailable; a context's end as Canceled or DeadlineExceeded; Unknown
// otherwise, and also for a nil error.
func ErrorCode(err error) Code {
	var e *Error
	var netErr net.Error
	switch {
	case err == nil:
		return Unknown
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineExceeded
	case apierrors.IsNotFound(err):
		return NotFound
	case apierrors.IsAlreadyExists(err):
		return AlreadyExists
	case apierrors.IsConflict(err), apierrors.IsGone(err), apierrors.IsResourceExpired(err):
		return Conflict
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return InvalidArgument
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return PermissionDenied
	case apierrors.IsTooManyRequests(err):
		return ResourceExhausted
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsInternalError(err), apierrors.IsUnexpectedServerError(err):
		return Unavailable
	case apierrors.IsMethodNotSupported(err), apierrors.IsNotAcceptable(err), apierrors.IsUnsupportedMediaType(err):
		return Internal
	case errors.As(err, &netErr):
		return Unavailable
	}
	return Unknown
}
