package local

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// placement is where a task's storage is on this machine.
type placement struct {
	// mount is Storage.MountPath, the directory the task's environment
	// names (BACKUP_DIR is under it); "" without storage.
	mount string
	// claim is <root>/<claim name>, what mount stands for.
	claim string
	// rel is Storage.Path, slash-separated, relative to the claim.
	rel string
	// dir is the backup directory: claim/rel.
	dir string
}

// place returns the local placement of a task's storage, which
// drivers.ValidateTask checked (a claim that is a DNS subdomain, a relative
// path without ".."), so the result is always inside Root as written;
// symlinks are checked when directories are opened (safeDir). Nil storage
// gives a zero placement.
func (d *Driver) place(s *drivers.Storage) placement {
	if s == nil {
		return placement{}
	}
	rel := path.Clean("/" + s.Path)[1:]
	mount := s.MountPath
	if mount != "" {
		mount = path.Clean(mount)
	}
	claim := filepath.Join(d.root, s.ClaimName)
	return placement{mount: mount, claim: claim, rel: rel, dir: filepath.Join(claim, filepath.FromSlash(rel))}
}

// localize maps a value that names a path under the task's mount path (the
// mount path itself, or anything below it) to the same path under the
// claim's local directory; other values are returned as they are. The part
// below the mount is cleaned as an absolute path, so it cannot climb out of
// the claim.
func (p placement) localize(v string) string {
	if p.mount == "" || p.mount == "/" {
		return v
	}
	rest, ok := strings.CutPrefix(v, p.mount)
	if !ok || (rest != "" && rest[0] != '/') {
		return v
	}
	return filepath.Join(p.claim, filepath.FromSlash(path.Clean("/"+rest)))
}

// safeDir makes sure that root/rel is a directory reached from root without
// a symbolic link, creating missing directories when create is set. It
// returns an error with code NotFound when a directory is missing (and not
// created), FailedPrecondition when a component is a symlink or not a
// directory.
func safeDir(root, rel string, create bool) error {
	cur := root
	if rel == "" {
		return nil
	}
	for _, el := range strings.Split(filepath.ToSlash(rel), "/") {
		cur = filepath.Join(cur, el)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err = os.Mkdir(cur, 0o755); err == nil || errors.Is(err, fs.ErrExist) {
				fi, err = os.Lstat(cur)
			}
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return drivers.Errorf(drivers.NotFound, "%s does not exist", cur)
		case err != nil:
			return drivers.Errorf(drivers.Unavailable, "%w", err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return drivers.Errorf(drivers.FailedPrecondition, "%s is a symbolic link; the local driver does not follow links out of its root", cur)
		case !fi.IsDir():
			return drivers.Errorf(drivers.FailedPrecondition, "%s is not a directory", cur)
		}
	}
	return nil
}

// relTo returns dir relative to root (both cleaned, dir inside root).
func relTo(root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return ""
	}
	return rel
}
