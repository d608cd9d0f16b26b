package repository

import (
	"errors"
	"io/fs"

	"github.com/dpsdk/dataprotection/drivers"
)

// localError gives an error of the local file system (of PushDir's source
// or PullDir's target) a code.
func localError(err error) error {
	switch {
	case err == nil:
		return nil
	case drivers.ErrorCode(err) != drivers.Unknown:
		return err
	case errors.Is(err, fs.ErrNotExist):
		return drivers.WithCode(drivers.NotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return drivers.WithCode(drivers.PermissionDenied, err)
	}
	return err
}
