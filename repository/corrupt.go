package repository

import (
	"errors"
	"fmt"

	"github.com/dpsdk/dataprotection/drivers"
)

// ErrCorrupt is in the chain of every error that says stored data does not
// match its manifest: a changed, truncated or extended object, a manifest
// that fails its checksum or its checks, data that does not decrypt or
// decompress. Its code is FailedPrecondition: terminal, since retrying
// cannot repair data (the drivers codes have no DataLoss).
var ErrCorrupt = errors.New("stored data does not match the manifest")

// corruptf returns an ErrCorrupt error with a detail.
func corruptf(format string, args ...any) error {
	return drivers.Errorf(drivers.FailedPrecondition, "%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// objectError names the backup and object in err, keeping its code.
func (r *Repository) objectError(backupKey, name string, err error) error {
	if err == nil {
		return nil
	}
	return drivers.Errorf(drivers.ErrorCode(err), "repository %s: backup %q: object %q: %w", r.name, backupKey, name, err)
}

// backupError names the backup in err, keeping its code.
func (r *Repository) backupError(backupKey string, err error) error {
	if err == nil {
		return nil
	}
	return drivers.Errorf(drivers.ErrorCode(err), "repository %s: backup %q: %w", r.name, backupKey, err)
}
