package bolt

import (
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DefaultTimeout is Options.Timeout when it is not set.
const DefaultTimeout = time.Second

// fileMode is the permission of a new database file: the owner only, as
// objects may name secrets.
const fileMode = 0o600

// ErrLocked is wrapped by the error of Open when another Store holds the
// file's lock.
var ErrLocked = errors.New("database file is locked by another store")

// Options tune a Store. A nil *Options is the zero value, which is ready to
// use.
type Options struct {
	// Timeout is how long Open waits for the file's lock, which another
	// open Store holds; default DefaultTimeout.
	Timeout time.Duration
	// NoSync skips the fsync of every commit: faster, but a crash of the
	// machine may lose the last writes or corrupt the file. For tests.
	NoSync bool
	// Clock returns the time that creationTimestamp and deletionTimestamp
	// record; default time.Now.
	Clock func() time.Time
	// WatchBuffer is how many events a watcher may fall behind before its
	// channel is closed; default 1024.
	WatchBuffer int
}

// Store is a store.Store in a bbolt file. It is safe for concurrent use.
type Store struct {
	s *objstore.Store
}

var _ store.Store = (*Store)(nil)

// Open opens the database file at path, creating it when it does not exist
// (its directory must). opts may be nil. The caller must Close the Store to
// release the file.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	db, err := bbolt.Open(path, fileMode, &bbolt.Options{Timeout: o.Timeout, NoSync: o.NoSync})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w (waited %s)", path, ErrLocked, o.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if err := initialize(db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	return &Store{s: objstore.New(&backend{db: db}, objstore.Options{
		Clock:       o.Clock,
		WatchBuffer: o.WatchBuffer,
	})}, nil
}

// Backups is the namespaced Backup resource.
func (b *Store) Backups() store.Resource[*v1alpha1.Backup] { return b.s.Backups() }

// BackupPolicies is the namespaced BackupPolicy resource.
func (b *Store) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return b.s.BackupPolicies()
}

// BackupTools is the cluster-scoped BackupTool resource.
func (b *Store) BackupTools() store.Resource[*v1alpha1.BackupTool] { return b.s.BackupTools() }

// RestoreJobs is the namespaced RestoreJob resource.
func (b *Store) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] { return b.s.RestoreJobs() }

// Close ends every watch, waits for a running write and closes the file;
// later calls fail with a ServiceUnavailable error. Closing again does
// nothing.
func (b *Store) Close() error { return b.s.Close() }
