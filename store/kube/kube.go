package kube

import (
	"context"
	"fmt"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	typedv1alpha1 "github.com/dpsdk/dataprotection/client/clientset/versioned/typed/types/v1alpha1"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/internal/objstore"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Store is a store.Store in a Kubernetes cluster. It is safe for concurrent
// use.
type Store struct {
	cs   versioned.Interface
	opts Options

	// caches are the kinds' read sides; nil with DirectReads.
	caches map[*objstore.Kind]*kindCache
	ctx    context.Context // ends on Close: stops the own informers
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	watches map[*proxyWatch]struct{}
}

var _ store.Store = (*Store)(nil)

// New returns a Store that talks to the API server of cfg; the zero Options
// are the defaults.
func New(cfg *rest.Config, opts Options) (*Store, error) {
	cs, err := versioned.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: %w", err)
	}
	return NewForClientset(cs, opts)
}

// NewForClientset returns a Store that uses cs. The
// store's informers start on the first read of their kind; a read waits
// for its cache to sync.
func NewForClientset(cs versioned.Interface, opts Options) (*Store, error) {
	s := &Store{cs: cs, opts: opts.withDefaults(), watches: make(map[*proxyWatch]struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if s.opts.DirectReads {
		return s, nil
	}
	s.caches = map[*objstore.Kind]*kindCache{}
	host := s.opts.Informers
	if host == nil {
		host = &Informers{}
	}
	for k, inf := range map[*objstore.Kind]Informer{objstore.BackupKind: host.Backups,
		objstore.BackupPolicyKind: host.BackupPolicies, objstore.BackupToolKind: host.BackupTools,
		objstore.RestoreJobKind: host.RestoreJobs} {
		c, err := newKindCache(s.ctx, k, &s.opts, inf, s.listWatch(k))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.caches[k] = c
	}
	return s, nil
}

func (s *Store) api() typedv1alpha1.DataprotectionV1alpha1Interface {
	return s.cs.DataprotectionV1alpha1()
}

// listWatch makes the lister-watchers of k's own informers.
func (s *Store) listWatch(k *objstore.Kind) listWatchFunc {
	return func(ns string) cache.ListerWatcher {
		return &cache.ListWatch{
			ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return s.clientFor(k, ns).List(ctx, o)
			},
			WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return s.clientFor(k, ns).Watch(ctx, o)
			},
		}
	}
}

// lister is the list and watch of a typed client, untyped.
type lister interface {
	List(ctx context.Context, o metav1.ListOptions) (runtime.Object, error)
	Watch(ctx context.Context, o metav1.ListOptions) (watch.Interface, error)
}

// typedLister adapts a typed client's List to lister.
type typedLister[L runtime.Object] struct {
	list  func(ctx context.Context, o metav1.ListOptions) (L, error)
	watch func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error)
}

func (l typedLister[L]) List(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
	return l.list(ctx, o)
}

func (l typedLister[L]) Watch(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
	return l.watch(ctx, o)
}

// clientFor returns the list and watch of k in namespace.
func (s *Store) clientFor(k *objstore.Kind, ns string) lister {
	switch k {
	case objstore.BackupKind:
		c := s.api().Backups(ns)
		return typedLister[*v1alpha1.BackupList]{c.List, c.Watch}
	case objstore.BackupPolicyKind:
		c := s.api().BackupPolicies(ns)
		return typedLister[*v1alpha1.BackupPolicyList]{c.List, c.Watch}
	case objstore.BackupToolKind:
		c := s.api().BackupTools()
		return typedLister[*v1alpha1.BackupToolList]{c.List, c.Watch}
	default:
		c := s.api().RestoreJobs(ns)
		return typedLister[*v1alpha1.RestoreJobList]{c.List, c.Watch}
	}
}

// Backups is the namespaced Backup resource.
func (s *Store) Backups() store.Resource[*v1alpha1.Backup] {
	return &resource[*v1alpha1.Backup, *v1alpha1.BackupList]{s: s, k: objstore.BackupKind, c: s.caches[objstore.BackupKind],
		client: func(ns string) client[*v1alpha1.Backup, *v1alpha1.BackupList] { return s.api().Backups(ns) },
		items:  func(l *v1alpha1.BackupList) []*v1alpha1.Backup { return pointers(l.Items) }}
}

// BackupPolicies is the namespaced BackupPolicy resource.
func (s *Store) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return &resource[*v1alpha1.BackupPolicy, *v1alpha1.BackupPolicyList]{s: s, k: objstore.BackupPolicyKind,
		c: s.caches[objstore.BackupPolicyKind],
		client: func(ns string) client[*v1alpha1.BackupPolicy, *v1alpha1.BackupPolicyList] {
			return s.api().BackupPolicies(ns)
		},
		items: func(l *v1alpha1.BackupPolicyList) []*v1alpha1.BackupPolicy { return pointers(l.Items) }}
}

// BackupTools is the cluster-scoped BackupTool resource.
func (s *Store) BackupTools() store.Resource[*v1alpha1.BackupTool] {
	return &resource[*v1alpha1.BackupTool, *v1alpha1.BackupToolList]{s: s, k: objstore.BackupToolKind,
		c:      s.caches[objstore.BackupToolKind],
		client: func(string) client[*v1alpha1.BackupTool, *v1alpha1.BackupToolList] { return s.api().BackupTools() },
		items:  func(l *v1alpha1.BackupToolList) []*v1alpha1.BackupTool { return pointers(l.Items) }}
}

// RestoreJobs is the namespaced RestoreJob resource.
func (s *Store) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] {
	return &resource[*v1alpha1.RestoreJob, *v1alpha1.RestoreJobList]{s: s, k: objstore.RestoreJobKind,
		c: s.caches[objstore.RestoreJobKind],
		client: func(ns string) client[*v1alpha1.RestoreJob, *v1alpha1.RestoreJobList] {
			return s.api().RestoreJobs(ns)
		},
		items: func(l *v1alpha1.RestoreJobList) []*v1alpha1.RestoreJob { return pointers(l.Items) }}
}

// Sync starts the informers of every kind and waits until they have
// synced, which the first read of each kind does otherwise: a host calls
// it to fail early when the API server cannot be listed, or to hold the
// caches before it needs them. It does nothing with DirectReads.
func (s *Store) Sync(ctx context.Context) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	for _, c := range s.caches {
		if err := c.ready(ctx); err != nil {
			return fmt.Errorf("kube: sync %s: %w", c.k.Resource, err)
		}
	}
	return nil
}

// Close ends every watch and stops the store's informers (a host's
// informers keep running; the store's handlers leave them); later calls
// fail with a ServiceUnavailable error. Closing again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	watches := s.watches
	s.watches = make(map[*proxyWatch]struct{})
	s.mu.Unlock()
	for w := range watches {
		w.Stop()
	}
	for _, c := range s.caches {
		c.close()
	}
	s.cancel()
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
