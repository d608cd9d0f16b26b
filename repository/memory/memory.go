package memory

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/internal/ctxio"
)

// Backend is an in-memory repository.Backend. The zero value is not usable;
// call New.
type Backend struct {
	mu      sync.Mutex
	objects map[string]object
	now     func() time.Time
}

type object struct {
	data    []byte
	modTime time.Time
}

// New returns an empty in-memory Backend.
func New() *Backend {
	return &Backend{objects: map[string]object{}, now: time.Now}
}

var _ repository.Backend = (*Backend)(nil)

// Put reads r to the end and then stores its bytes under key; an error or a
// cancelled ctx before that stores nothing.
func (b *Backend) Put(ctx context.Context, key string, r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, ctxio.Reader(ctx, r)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = object{data: buf.Bytes(), modTime: b.now()}
	return nil
}

// Get returns a reader of the object's bytes as they were when Get was
// called.
func (b *Backend) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	o, err := b.lookup(ctx, key)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(ctxio.Reader(ctx, bytes.NewReader(o.data))), nil
}

// Stat returns the object's attributes.
func (b *Backend) Stat(ctx context.Context, key string) (repository.Attributes, error) {
	o, err := b.lookup(ctx, key)
	if err != nil {
		return repository.Attributes{}, err
	}
	return repository.Attributes{Key: key, Size: int64(len(o.data)), ModTime: o.modTime}, nil
}

func (b *Backend) lookup(ctx context.Context, key string) (object, error) {
	if err := ctx.Err(); err != nil {
		return object{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.objects[key]
	if !ok {
		return object{}, drivers.Errorf(drivers.NotFound, "no object %q", key)
	}
	return o, nil
}

// List returns one page of keys; the page token is the last key returned.
func (b *Backend) List(ctx context.Context, opts repository.ListOptions) (repository.ListPage, error) {
	if err := ctx.Err(); err != nil {
		return repository.ListPage{}, err
	}
	size := opts.PageSize
	if size <= 0 {
		size = repository.DefaultPageSize
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var keys []string
	for k := range b.objects {
		if strings.HasPrefix(k, opts.Prefix) && k > opts.PageToken {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var page repository.ListPage
	if len(keys) > size {
		keys = keys[:size]
		page.NextPageToken = keys[size-1]
	}
	for _, k := range keys {
		o := b.objects[k]
		page.Objects = append(page.Objects, repository.Attributes{Key: k, Size: int64(len(o.data)), ModTime: o.modTime})
	}
	return page, nil
}

// Delete removes the object, if any.
func (b *Backend) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.objects, key)
	return nil
}

// Close does nothing; the objects stay readable through other references.
func (b *Backend) Close() error { return nil }
