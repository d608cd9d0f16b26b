package memory

import (
	"time"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Clock returns the time that creationTimestamp and deletionTimestamp
	// record; default time.Now.
	Clock func() time.Time
	// WatchBuffer is how many events a watcher may fall behind before its
	// channel is closed; default 1024.
	WatchBuffer int
}

// Store is an in-memory store.Store. It is safe for concurrent use.
type Store struct {
	s *objstore.Store
}

var _ store.Store = (*Store)(nil)

// New returns an empty Store.
func New(opts Options) *Store {
	return &Store{s: objstore.New(newBackend(), objstore.Options{
		Clock:       opts.Clock,
		WatchBuffer: opts.WatchBuffer,
	})}
}

// Backups is the namespaced Backup resource.
func (m *Store) Backups() store.Resource[*v1alpha1.Backup] { return m.s.Backups() }

// BackupPolicies is the namespaced BackupPolicy resource.
func (m *Store) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return m.s.BackupPolicies()
}

// BackupTools is the cluster-scoped BackupTool resource.
func (m *Store) BackupTools() store.Resource[*v1alpha1.BackupTool] { return m.s.BackupTools() }

// RestoreJobs is the namespaced RestoreJob resource.
func (m *Store) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] { return m.s.RestoreJobs() }

// Close ends every watch and drops the objects; later calls fail with a
// ServiceUnavailable error. Closing again does nothing.
func (m *Store) Close() error { return m.s.Close() }
