package job

import (
	"fmt"

	"github.com/dpsdk/dataprotection/drivers"
)

// codeOf classifies an error of the API server, of the connection to it or
// of a context.
func codeOf(err error) drivers.Code { return drivers.ErrorCode(err) }

// apiError wraps an error of the API server once, with the operation that
// failed and the code the engine decides by.
func apiError(err error, format string, args ...any) error {
	return &drivers.Error{Code: codeOf(err), Msg: "job driver: " + fmt.Sprintf(format, args...), Err: err}
}

// invalid is an InvalidArgument error about a task.
func invalid(id, format string, args ...any) error {
	return drivers.Errorf(drivers.InvalidArgument, "job driver: task %q: %s", id, fmt.Sprintf(format, args...))
}
