package drivers

import (
	"errors"
	"fmt"
)

// Code classifies an error. The engine retries Unavailable, DeadlineExceeded
// (of a call, not of a task), ResourceExhausted, Conflict and Unknown errors
// with backoff, and treats the others as terminal for the operation.
type Code int

// The error codes. They follow the gRPC codes where one fits, so they cross a
// plugin's wire unchanged.
const (
	// Unknown is an error with no better code; retried.
	Unknown Code = iota
	// NotFound: the task (or an object it needs) does not exist.
	NotFound
	// AlreadyExists: something with that name exists and is not ours.
	AlreadyExists
	// InvalidArgument: the task is malformed; retrying cannot help.
	InvalidArgument
	// FailedPrecondition: the system is not in a state the task needs (for
	// example a missing claim with createPolicy Never); terminal.
	FailedPrecondition
	// Unavailable: the backend cannot be reached now; retried.
	Unavailable
	// DeadlineExceeded: the call or the task ran past its deadline.
	DeadlineExceeded
	// Canceled: the call's context was cancelled, or the task was cancelled.
	Canceled
	// Unimplemented: the driver does not support this task kind or type.
	Unimplemented
	// PermissionDenied: the driver lacks the rights to do the task.
	PermissionDenied
	// ResourceExhausted: a quota or limit was hit; retried.
	ResourceExhausted
	// Conflict: a concurrent change; re-read and retry.
	Conflict
	// Internal: a bug in the driver (for example a recovered panic).
	Internal
)

var codeNames = [...]string{"Unknown", "NotFound", "AlreadyExists", "InvalidArgument",
	"FailedPrecondition", "Unavailable", "DeadlineExceeded", "Canceled", "Unimplemented",
	"PermissionDenied", "ResourceExhausted", "Conflict", "Internal"}

// String returns the code's name, such as "NotFound".
func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// ParseCode returns the code whose name (String) is s; ok is false for
// any other s.
func ParseCode(s string) (c Code, ok bool) {
	for i, name := range codeNames {
		if name == s {
			return Code(i), true
		}
	}
	return Unknown, false
}

// Retryable reports whether an operation that failed with c may succeed if
// repeated later.
func (c Code) Retryable() bool {
	switch c {
	case Unknown, Unavailable, DeadlineExceeded, ResourceExhausted, Conflict:
		return true
	}
	return false
}

// Error is an error with a Code. Drivers return it (directly or wrapped);
// errors.As finds it through any wrapping.
type Error struct {
	// Code classifies the error.
	Code Code
	// Msg describes it.
	Msg string
	// Err is the underlying error, if any.
	Err error

	// wrapped is true when Msg already includes Err's text (Errorf with %w).
	wrapped bool
}

// Error returns the message, with the underlying error.
func (e *Error) Error() string {
	switch {
	case e.Err == nil || e.wrapped:
		return e.Msg
	case e.Msg == "":
		return e.Err.Error()
	}
	return e.Msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code c and a formatted message. A %w verb
// wraps its operand as the underlying error.
func Errorf(c Code, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	inner := errors.Unwrap(err)
	return &Error{Code: c, Msg: err.Error(), Err: inner, wrapped: inner != nil}
}

// WithCode wraps err with code c and no further message; nil stays nil.
func WithCode(c Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: c, Err: err}
}

// IsNotFound reports whether err's code is NotFound.
func IsNotFound(err error) bool { return err != nil && ErrorCode(err) == NotFound }
