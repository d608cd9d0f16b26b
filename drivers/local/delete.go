package local

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/dpsdk/dataprotection/drivers"
)

// checkDeletable checks that the backup directory of a delete-artifacts
// task can be removed without leaving the root: every directory on the way
// exists without a symlink, or is missing (then there is nothing to
// delete), and the directory itself is not a symlink.
func checkDeletable(root string, pl placement) error {
	parent := path.Dir(pl.rel)
	if parent == "." {
		parent = ""
	}
	err := safeDir(root, filepath.Join(relTo(root, pl.claim), filepath.FromSlash(parent)), false)
	if drivers.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	fi, err := os.Lstat(pl.dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return drivers.Errorf(drivers.Unavailable, "%w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return drivers.Errorf(drivers.FailedPrecondition, "%s is a symbolic link; the local driver does not delete through links", pl.dir)
	}
	return nil
}

// runDelete removes a backup's directory, in the driver's own process, and
// ends the task as a supervisor would (endHere). The lock is held
// meanwhile: if the host dies half-way, the task reports that its process
// vanished, and the engine runs the deletion again (removal is idempotent).
func (d *Driver) runDelete(id, dir string, pl placement, lock *os.File) {
	rec := exitRecord{Step: -1, Command: -1}
	err := checkDeletable(d.root, pl)
	if err == nil {
		err = os.RemoveAll(pl.dir)
	}
	if err != nil {
		rec.ExitCode, rec.Message = 1, "delete the backup directory: "+err.Error()
	}
	d.endHere(id, dir, rec, lock)
	d.log.V(1).Info("deleted a backup directory", "dir", pl.dir, "ok", rec.ExitCode == 0)
}
