package job

import (
	"context"
	"errors"
	"fmt"
	"net"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/dpsdk/dataprotection/drivers"
)

// codeOf classifies an error of the API server, of the connection to it or
// of a context.
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
	case apierrors.IsConflict(err):
		return drivers.Conflict
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return drivers.PermissionDenied
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return drivers.InvalidArgument
	case apierrors.IsTooManyRequests(err):
		return drivers.ResourceExhausted
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsInternalError(err), apierrors.IsUnexpectedServerError(err):
		return drivers.Unavailable
	case errors.As(err, &netErr):
		return drivers.Unavailable
	}
	return drivers.ErrorCode(err)
}

// apiError wraps an error of the API server once, with the operation that
// failed and the code the engine decides by.
func apiError(err error, format string, args ...any) error {
	return &drivers.Error{Code: codeOf(err), Msg: "job driver: " + fmt.Sprintf(format, args...), Err: err}
}

// invalid is an InvalidArgument error about a task.
func invalid(id, format string, args ...any) error {
	return drivers.Errorf(drivers.InvalidArgument, "job driver: task %q: %s", id, fmt.Sprintf(format, args...))
}
