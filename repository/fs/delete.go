package fs

import (
	"context"
	"errors"
	iofs "io/fs"
	"path"
)

// Delete removes the object's file, if any, and then the directories the
// removal left empty.
func (b *Backend) Delete(ctx context.Context, key string) error {
	if err := b.check(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := b.root.Lstat(key)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return nil
	case err != nil:
		return b.classify(err)
	case fi.IsDir():
		return nil // a directory is not an object
	}
	if err := b.root.Remove(key); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return b.classify(err)
	}
	b.pruneDirs(path.Dir(key))
	return nil
}

// pruneDirs removes dir and its parents while they are empty. Failures are
// harmless: a directory that is not empty stays.
func (b *Backend) pruneDirs(dir string) {
	for ; dir != "." && dir != "/"; dir = path.Dir(dir) {
		if b.root.Remove(dir) != nil {
			return
		}
	}
}
