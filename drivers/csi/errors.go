package csi

import (
	"github.com/dpsdk/dataprotection/drivers"
)

// apiError wraps an error of the API server (or of the call's context) with
// the operation that failed and the driver code its kind maps to.
func apiError(op string, err error) error {
	return drivers.Errorf(codeOf(err), "csi: %s: %w", op, err)
}

// codeOf maps an API server, network or context error to a driver code.
func codeOf(err error) drivers.Code { return drivers.ErrorCode(err) }
