package fs

import (
	"errors"
	iofs "io/fs"
	"os"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// tempPrefix starts the names of temporary files; keys may not use it.
const tempPrefix = ".dp-tmp-"

// Backend is a repository.Backend over a directory. Create it with Open.
type Backend struct {
	root *os.Root
	dir  string
	// escape is the error os.Root returns for a path that leaves the root,
	// captured at Open (the os package does not export it).
	escape error
}

var _ repository.Backend = (*Backend)(nil)

// Open returns a Backend storing objects under dir, which it creates (0700)
// if it does not exist.
func Open(dir string) (*Backend, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "fs repository: create root: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "fs repository: open root: %w", err)
	}
	b := &Backend{root: root, dir: dir}
	var pe *iofs.PathError
	if _, err := root.Stat(".."); errors.As(err, &pe) {
		b.escape = pe.Err
	}
	return b, nil
}

// Dir returns the root directory.
func (b *Backend) Dir() string { return b.dir }

// Close closes the root.
func (b *Backend) Close() error { return b.root.Close() }

// check validates key again (Repository already did) and refuses the
// reserved temporary prefix.
func (b *Backend) check(key string) error {
	if err := repository.ValidateKey(key); err != nil {
		return err
	}
	for seg := range strings.SplitSeq(key, "/") {
		if strings.HasPrefix(seg, tempPrefix) {
			return drivers.Errorf(drivers.InvalidArgument, "fs repository: key %q uses the reserved prefix %q", key, tempPrefix)
		}
	}
	return nil
}

// classify gives an error of the file system a code.
func (b *Backend) classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, iofs.ErrNotExist):
		return drivers.WithCode(drivers.NotFound, err)
	case errors.Is(err, iofs.ErrPermission), b.escape != nil && errors.Is(err, b.escape):
		return drivers.WithCode(drivers.PermissionDenied, err)
	case isNoSpace(err):
		return drivers.WithCode(drivers.ResourceExhausted, err)
	case isNotDir(err):
		return drivers.Errorf(drivers.FailedPrecondition, "a file stands where a directory must: %w", err)
	}
	return err
}
