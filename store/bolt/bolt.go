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

// ErrCorrupt is wrapped by the errors a damaged file causes: Open of a file
// that is not a sound bbolt database (truncated, overwritten pages) or that
// exists but is empty, a call that finds a damaged page, and a record that
// does not decode.
var ErrCorrupt = errors.New("database file is corrupt")

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
	// InitEmptyFile makes Open initialize a file that exists but is empty,
	// as it does a missing one. By default such a file is refused with an
	// error wrapping ErrCorrupt: a database truncated to nothing must not
	// silently open as an empty one.
	InitEmptyFile bool
	// OnCorrupt is called, from the call that meets it, with an error
	// wrapping ErrCorrupt for each record that does not decode: List skips
	// such a record (the kind's other objects are listed), Get of it
	// returns that error. Default: nothing more is done.
	OnCorrupt func(err error)
	// NoCheck skips the consistency check of every page that Open does
	// (bbolt's Tx.Check), for very large files whose check takes long.
	NoCheck bool
}

// Store is a store.Store in a bbolt file. It is safe for concurrent use.
type Store struct {
	s *objstore.Store
}

var _ store.Store = (*Store)(nil)

// New opens the database file at path, creating it when it does not exist
// (its directory must); the zero Options are the defaults. The caller must
// Close the Store to release the file.
//
// New reads every page of the file (unless Options.NoCheck), so that a
// damaged file is refused with an error wrapping ErrCorrupt instead of
// failing later; a file that exists but is empty is refused too (see
// Options.InitEmptyFile). Errors: ErrLocked when another Store holds the
// file, ErrCorrupt when it is damaged.
func New(path string, opts Options) (*Store, error) {
	o := opts
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if err := checkEmpty(path, o.InitEmptyFile); err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	db, err := openDB(path, &bbolt.Options{Timeout: o.Timeout, NoSync: o.NoSync}, o.NoCheck)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w (waited %s)", path, ErrLocked, o.Timeout)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	return &Store{s: objstore.New(&backend{db: db, onCorrupt: o.OnCorrupt}, objstore.Options{
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
