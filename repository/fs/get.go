package fs

import (
	"context"
	"io"
	"os"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/internal/ctxio"
)

// Get opens the object's file. A rename over the key while it is read does
// not affect the open file.
func (b *Backend) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := b.check(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := b.root.Open(key)
	if err != nil {
		return nil, b.classify(err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = drivers.Errorf(drivers.NotFound, "no object %q (not a regular file)", key)
	}
	if err != nil {
		_ = f.Close()
		return nil, b.classify(err)
	}
	return fileReader{Reader: ctxio.Reader(ctx, f), f: f}, nil
}

type fileReader struct {
	io.Reader
	f *os.File
}

func (r fileReader) Close() error { return r.f.Close() }

// Stat returns the size and modification time of the object's file.
func (b *Backend) Stat(ctx context.Context, key string) (repository.Attributes, error) {
	if err := b.check(key); err != nil {
		return repository.Attributes{}, err
	}
	if err := ctx.Err(); err != nil {
		return repository.Attributes{}, err
	}
	fi, err := b.root.Stat(key)
	if err == nil && !fi.Mode().IsRegular() {
		err = drivers.Errorf(drivers.NotFound, "no object %q (not a regular file)", key)
	}
	if err != nil {
		return repository.Attributes{}, b.classify(err)
	}
	return repository.Attributes{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}
