package dataprotection

import (
	"errors"

	"github.com/dpsdk/dataprotection/drivers"
)

// Code classifies an Engine error; it is the driver SPI's closed set, so a
// store error and a driver error of the same kind have the same code.
type Code = drivers.Code

// Error is an error of the Engine: the operation and object, a Code, and
// the underlying error (which errors.Is/As reach).
type Error struct {
	// Code classifies the error.
	Code Code
	// Op is the operation and object, such as "backup demo/b1".
	Op string
	// Err is the underlying error.
	Err error
}

// Error returns "dataprotection: <op>: <underlying error>".
func (e *Error) Error() string { return "dataprotection: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode classifies err: the Code of an *Error, else drivers.ErrorCode (a
// driver error's Code, a store's Kubernetes API error mapped to a Code, a
// network or context error). Unknown for anything else.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return drivers.ErrorCode(err)
}

// IsNotFound reports whether err's code is NotFound.
func IsNotFound(err error) bool { return err != nil && ErrorCode(err) == drivers.NotFound }

// IsConflict reports whether err's code is Conflict (a concurrent write; the
// step is retried).
func IsConflict(err error) bool { return err != nil && ErrorCode(err) == drivers.Conflict }

// IsInvalid reports whether err's code is InvalidArgument.
func IsInvalid(err error) bool { return err != nil && ErrorCode(err) == drivers.InvalidArgument }

// IsRetryable reports whether the operation that returned err may succeed
// if repeated.
func IsRetryable(err error) bool { return err != nil && ErrorCode(err).Retryable() }
