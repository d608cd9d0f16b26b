package repository

import (
	"context"
	"errors"
	"io"

	"github.com/dpsdk/dataprotection/drivers"
)

// Repository is the portable type above a Backend: it validates keys once,
// wraps every error once with the operation and key (keeping its code), and
// carries the backup pipeline (compression, encryption, checksums,
// manifests). It is safe for concurrent use.
type Repository struct {
	b    Backend
	name string
}

// New returns a Repository over b. name identifies the repository in error
// messages (for example "s3://host/bucket/prefix"); it must not contain a
// credential. Closing the Repository closes b.
func New(b Backend, name string) *Repository {
	return &Repository{b: b, name: name}
}

// Name returns the name given to New.
func (r *Repository) Name() string { return r.name }

// Put stores the bytes of rd until io.EOF under key; see Backend.Put. An
// invalid key fails with InvalidArgument before anything is read.
func (r *Repository) Put(ctx context.Context, key string, rd io.Reader) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	return r.wrap("put", key, r.b.Put(ctx, key, rd))
}

// Get opens the object stored under key; a missing object fails with
// NotFound. The caller closes the reader.
func (r *Repository) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	rc, err := r.b.Get(ctx, key)
	if err != nil {
		return nil, r.wrap("get", key, err)
	}
	return &readCloser{rc: rc, r: r, key: key}, nil
}

// Stat returns the attributes of the object stored under key; a missing
// object fails with NotFound.
func (r *Repository) Stat(ctx context.Context, key string) (Attributes, error) {
	if err := ValidateKey(key); err != nil {
		return Attributes{}, err
	}
	a, err := r.b.Stat(ctx, key)
	return a, r.wrap("stat", key, err)
}

// Delete removes the object stored under key. It succeeds when there is
// none.
func (r *Repository) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	return r.wrap("delete", key, r.b.Delete(ctx, key))
}

// Close closes the Backend.
func (r *Repository) Close() error { return r.wrap("close", "", r.b.Close()) }

// wrap adds the repository, operation and key to err, keeping its code:
// every error a Repository returns has a code drivers.ErrorCode reads.
func (r *Repository) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	code := drivers.ErrorCode(err)
	if key == "" {
		return drivers.Errorf(code, "repository %s: %s: %w", r.name, op, err)
	}
	return drivers.Errorf(code, "repository %s: %s %q: %w", r.name, op, key, err)
}

// readCloser wraps the errors of a Backend's reader once.
type readCloser struct {
	rc  io.ReadCloser
	r   *Repository
	key string
}

func (rc *readCloser) Read(p []byte) (int, error) {
	n, err := rc.rc.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = rc.r.wrap("read", rc.key, err)
	}
	return n, err
}

func (rc *readCloser) Close() error { return rc.r.wrap("close", rc.key, rc.rc.Close()) }
