package repository

import (
	"context"
	"io"
	"time"
)

// Backend is the service provider interface of a repository: a flat
// namespace of keys mapping to byte streams. Implementations live in
// subpackages (fs, memory, s3) and must pass repotest.RunConformanceTests.
//
// Callers reach a Backend through a *Repository, which validates every key
// with ValidateKey before calling the Backend, so a Backend may assume valid
// keys (package fs checks again, defensively). Every method takes ctx first
// and must return promptly once ctx is done, with an error for which
// drivers.ErrorCode returns Canceled or DeadlineExceeded.
//
// Errors must be classifiable by drivers.ErrorCode: a *drivers.Error, or an
// error it already classifies (network errors, context errors). Backends use
// NotFound for a missing key, PermissionDenied for rejected credentials,
// Unavailable for an endpoint that cannot be reached, FailedPrecondition for
// a repository that is misconfigured (a missing bucket or root directory).
// No error may contain a credential.
//
// A Backend must be safe for concurrent use by multiple goroutines.
type Backend interface {
	// Put stores the bytes read from r until io.EOF under key, replacing
	// any object stored there. The length of r is not known in advance.
	// The object becomes visible to Get, Stat and List only once it is
	// complete: if r returns an error other than io.EOF, or ctx ends before
	// Put returns, Put must return an error and no new object, partial or
	// complete, may become visible (a previous object under key stays).
	// Of concurrent Puts to one key, the last to complete wins; readers
	// never see a mix of two writes. Put must not hold the whole object in
	// memory unless the Backend is itself in memory.
	Put(ctx context.Context, key string, r io.Reader) error

	// Get opens the object stored under key for reading. When none is,
	// it must return an error for which drivers.ErrorCode returns
	// NotFound. The caller closes the reader. A reader must return the
	// bytes of one complete Put, even if the key is overwritten while it
	// is being read.
	Get(ctx context.Context, key string) (io.ReadCloser, error)

	// Stat returns the attributes of the object stored under key, or an
	// error for which drivers.ErrorCode returns NotFound.
	Stat(ctx context.Context, key string) (Attributes, error)

	// List returns one page of the objects whose keys start with
	// opts.Prefix (a plain string prefix, not a directory), in ascending
	// byte order of their keys, at most opts.PageSize of them. A page with
	// an empty NextPageToken is the last. Keys never appear on two pages
	// of one listing. An empty result is not an error.
	List(ctx context.Context, opts ListOptions) (ListPage, error)

	// Delete removes the object stored under key. Deleting a key that has
	// no object succeeds: Delete is idempotent, so that a retried deletion
	// (retention, a crashed host) never fails for having half succeeded.
	Delete(ctx context.Context, key string) error

	// Close releases the Backend's resources. No method may be called
	// after Close.
	Close() error
}

// Attributes describe a stored object.
type Attributes struct {
	// Key is the object's key.
	Key string
	// Size is the number of bytes stored.
	Size int64
	// ModTime is when the object was last written, as far as the backend
	// knows (zero when it does not).
	ModTime time.Time
}

// ListOptions select one page of a listing.
type ListOptions struct {
	// Prefix restricts the listing to keys that start with it.
	Prefix string
	// PageSize is the largest number of objects on the page; a Backend
	// may return fewer. Zero means DefaultPageSize.
	PageSize int
	// PageToken is the NextPageToken of the previous page, empty for the
	// first page. It is opaque to the caller.
	PageToken string
}

// ListPage is one page of a listing.
type ListPage struct {
	// Objects are the page's objects, in ascending byte order of keys.
	Objects []Attributes
	// NextPageToken continues the listing; empty on the last page.
	NextPageToken string
}

// DefaultPageSize is the page size of a listing when none is given; S3's
// largest page.
const DefaultPageSize = 1000
