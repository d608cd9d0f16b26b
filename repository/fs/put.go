package fs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	iofs "io/fs"
	"os"
	"path"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository/internal/ctxio"
)

// Put writes r to a temporary file beside the key, syncs it and renames it
// over the key, so that the object appears complete or not at all.
func (b *Backend) Put(ctx context.Context, key string, r io.Reader) error {
	if err := b.check(key); err != nil {
		return err
	}
	f, tmp, err := b.createTemp(path.Dir(key))
	if err != nil {
		return b.classify(err)
	}
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = b.root.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, ctxio.Reader(ctx, r)); err != nil {
		return b.classify(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.commit(f, tmp, key); err != nil {
		return b.classify(err)
	}
	done = true
	return nil
}

// createTemp creates a new temporary file in dir, creating dir first. A
// concurrent Delete may remove dir between the two steps, hence the retry.
func (b *Backend) createTemp(dir string) (*os.File, string, error) {
	var err error
	for range 3 {
		if err = b.root.MkdirAll(dir, 0o700); errors.Is(err, iofs.ErrExist) {
			return nil, "", drivers.Errorf(drivers.FailedPrecondition, "a file stands where a directory must: %w", err)
		}
		if err != nil {
			return nil, "", err
		}
		name := path.Join(dir, tempPrefix+randomSuffix())
		var f *os.File
		f, err = b.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, iofs.ErrNotExist) {
			return nil, "", err
		}
	}
	return nil, "", err
}

// commit makes the written temporary file the object: sync, close, rename,
// and sync the directory so the rename survives a crash. It closes f.
func (b *Backend) commit(f *os.File, tmp, key string) error {
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := b.root.Rename(tmp, key); err != nil {
		return err
	}
	return b.syncDir(path.Dir(key))
}

func (b *Backend) syncDir(dir string) error {
	d, err := b.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func randomSuffix() string {
	var p [8]byte
	_, _ = rand.Read(p[:])
	return hex.EncodeToString(p[:])
}
