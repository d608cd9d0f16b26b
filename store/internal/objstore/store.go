package objstore

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DefaultWatchBuffer is Options.WatchBuffer when it is not set.
const DefaultWatchBuffer = 1024

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Clock returns the time that creationTimestamp and deletionTimestamp
	// record (truncated to the second, as the API serializes it); default
	// time.Now.
	Clock func() time.Time
	// WatchBuffer is how many events a watcher may fall behind before its
	// channel is closed; default DefaultWatchBuffer.
	WatchBuffer int
}

// Store implements the semantics of package store over a Backend. It is safe
// for concurrent use.
type Store struct {
	backend Backend
	clock   func() time.Time
	hubs    map[*Kind]*hub

	// lifeMu is held shared by every call while it uses the backend and
	// exclusively by Close; it guards closed.
	lifeMu sync.RWMutex
	closed bool
	// writeMu makes writes and their event publication one at a time, so
	// that events go out in commit order.
	writeMu sync.Mutex
	// indexes are the kinds' indexes built so far (see listBy); written
	// under writeMu, read under idxMu.
	idxMu   sync.RWMutex
	indexes map[*Kind]*kindIndex
}

// New returns a Store over b. The Store owns b and closes it on Close.
func New(b Backend, opts Options) *Store {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.WatchBuffer <= 0 {
		opts.WatchBuffer = DefaultWatchBuffer
	}
	s := &Store{backend: b, clock: opts.Clock, hubs: make(map[*Kind]*hub, len(Kinds)), indexes: map[*Kind]*kindIndex{}}
	for _, k := range Kinds {
		s.hubs[k] = newHub(opts.WatchBuffer)
	}
	return s
}

// Backups is the Backup resource.
func (s *Store) Backups() store.Resource[*v1alpha1.Backup] {
	return resource[*v1alpha1.Backup]{s, BackupKind}
}

// BackupPolicies is the BackupPolicy resource.
func (s *Store) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return resource[*v1alpha1.BackupPolicy]{s, BackupPolicyKind}
}

// BackupTools is the cluster-scoped BackupTool resource.
func (s *Store) BackupTools() store.Resource[*v1alpha1.BackupTool] {
	return resource[*v1alpha1.BackupTool]{s, BackupToolKind}
}

// RestoreJobs is the RestoreJob resource.
func (s *Store) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] {
	return resource[*v1alpha1.RestoreJob]{s, RestoreJobKind}
}

// Close waits for the running calls, ends every watch, and closes the
// backend. Later calls fail with a ServiceUnavailable error; closing again
// does nothing.
func (s *Store) Close() error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	for _, h := range s.hubs {
		h.close()
	}
	return s.backend.Close()
}

// view runs a read transaction.
func (s *Store) view(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.lifeMu.RLock()
	defer s.lifeMu.RUnlock()
	if s.closed {
		return ClosedError()
	}
	return s.backend.View(fn)
}

// writeFunc is one write: it returns the object for the caller and the
// event to publish, or a nil event when nothing changed.
type writeFunc func(Tx) (store.Object, *watch.Event, error)

// write runs fn in a write transaction and publishes its event after the
// commit.
func (s *Store) write(ctx context.Context, k *Kind, fn writeFunc) (store.Object, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.lifeMu.RLock()
	defer s.lifeMu.RUnlock()
	if s.closed {
		return nil, ClosedError()
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var out store.Object
	var ev *watch.Event
	err := s.backend.Update(func(tx Tx) (err error) {
		out, ev, err = fn(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ev != nil {
		s.hubs[k].publish(*ev)
		s.reindex(k, *ev)
	}
	return out, nil
}

// now is the clock's time as the API records it: UTC, whole seconds.
func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Second) }
