package kube

import (
	"fmt"
	"sync"

	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	typedv1alpha1 "github.com/dpsdk/dataprotection/client/clientset/versioned/typed/types/v1alpha1"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DefaultFieldManager is Options.FieldManager when it is not set.
const DefaultFieldManager = "dataprotection"

// Options tune a Store. A nil *Options is the zero value, which is ready to
// use.
type Options struct {
	// FieldManager names the writer in the objects' managedFields; default
	// DefaultFieldManager.
	FieldManager string
}

// Store is a store.Store in a Kubernetes cluster. It is safe for concurrent
// use.
type Store struct {
	cs           versioned.Interface
	fieldManager string

	mu      sync.Mutex
	closed  bool
	watches map[*proxyWatch]struct{}
}

var _ store.Store = (*Store)(nil)

// New returns a Store that talks to the API server of cfg. opts may be nil.
func New(cfg *rest.Config, opts *Options) (*Store, error) {
	cs, err := versioned.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: %w", err)
	}
	return NewForClientset(cs, opts), nil
}

// NewForClientset returns a Store that uses cs. opts may be nil.
func NewForClientset(cs versioned.Interface, opts *Options) *Store {
	s := &Store{cs: cs, fieldManager: DefaultFieldManager, watches: make(map[*proxyWatch]struct{})}
	if opts != nil && opts.FieldManager != "" {
		s.fieldManager = opts.FieldManager
	}
	return s
}

func (s *Store) api() typedv1alpha1.DataprotectionV1alpha1Interface {
	return s.cs.DataprotectionV1alpha1()
}

// Backups is the namespaced Backup resource.
func (s *Store) Backups() store.Resource[*v1alpha1.Backup] {
	return &resource[*v1alpha1.Backup, *v1alpha1.BackupList]{s: s, k: objstore.BackupKind,
		client: func(ns string) client[*v1alpha1.Backup, *v1alpha1.BackupList] { return s.api().Backups(ns) },
		items:  func(l *v1alpha1.BackupList) []*v1alpha1.Backup { return pointers(l.Items) }}
}

// BackupPolicies is the namespaced BackupPolicy resource.
func (s *Store) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return &resource[*v1alpha1.BackupPolicy, *v1alpha1.BackupPolicyList]{s: s, k: objstore.BackupPolicyKind,
		client: func(ns string) client[*v1alpha1.BackupPolicy, *v1alpha1.BackupPolicyList] {
			return s.api().BackupPolicies(ns)
		},
		items: func(l *v1alpha1.BackupPolicyList) []*v1alpha1.BackupPolicy { return pointers(l.Items) }}
}

// BackupTools is the cluster-scoped BackupTool resource.
func (s *Store) BackupTools() store.Resource[*v1alpha1.BackupTool] {
	return &resource[*v1alpha1.BackupTool, *v1alpha1.BackupToolList]{s: s, k: objstore.BackupToolKind,
		client: func(string) client[*v1alpha1.BackupTool, *v1alpha1.BackupToolList] { return s.api().BackupTools() },
		items:  func(l *v1alpha1.BackupToolList) []*v1alpha1.BackupTool { return pointers(l.Items) }}
}

// RestoreJobs is the namespaced RestoreJob resource.
func (s *Store) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] {
	return &resource[*v1alpha1.RestoreJob, *v1alpha1.RestoreJobList]{s: s, k: objstore.RestoreJobKind,
		client: func(ns string) client[*v1alpha1.RestoreJob, *v1alpha1.RestoreJobList] {
			return s.api().RestoreJobs(ns)
		},
		items: func(l *v1alpha1.RestoreJobList) []*v1alpha1.RestoreJob { return pointers(l.Items) }}
}

// Close ends every watch of the Store; later calls fail with a
// ServiceUnavailable error. The clientset needs no closing. Closing again
// does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	watches := s.watches
	s.watches = make(map[*proxyWatch]struct{})
	s.mu.Unlock()
	for w := range watches {
		w.Stop()
	}
	return nil
}

// checkOpen returns the error of a call on a closed Store.
func (s *Store) checkOpen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return objstore.ClosedError()
	}
	return nil
}

// pointers returns pointers to the elements of items.
func pointers[E any](items []E) []*E {
	out := make([]*E, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
