package kube_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// getCounter counts the GET requests (reads and watches) made through a
// rest.Config.
type getCounter struct{ gets atomic.Int64 }

func (c *getCounter) wrap(cfg *rest.Config) *rest.Config {
	out := rest.CopyConfig(cfg)
	out.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet {
				c.gets.Add(1)
			}
			return rt.RoundTrip(r)
		})
	}
	return out
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func backup(ns, name string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p"}}
}

func TestReadsAfterSyncMakeNoRequests(t *testing.T) {
	env := setup(t)
	ctx := context.Background()
	ns := env.NewNamespace(t)
	var counter getCounter
	s, err := kube.New(counter.wrap(env.Config), kube.Options{})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Sync(ctx))
	before := counter.gets.Load()
	for _, name := range []string{"a", "b"} {
		_, err := s.Backups().Create(ctx, backup(ns, name))
		require.NoError(t, err)
		_, err = s.Backups().Get(ctx, ns, name)
		require.NoError(t, err)
	}
	list, err := s.Backups().List(ctx, ns, nil)
	require.NoError(t, err)
	assert.Len(t, list, 2)
	byPolicy, err := s.Backups().ListBy(ctx, ns, store.IndexBackupPolicy, "p")
	require.NoError(t, err)
	assert.Len(t, byPolicy, 2)
	_, err = s.BackupPolicies().List(ctx, "", nil)
	require.NoError(t, err)
	assert.Zero(t, counter.gets.Load()-before, "reads are served by the caches")
}

func TestNamespacesLimitTheCaches(t *testing.T) {
	env := setup(t)
	ctx := context.Background()
	cached, other := env.NewNamespace(t), env.NewNamespace(t)
	s, err := kube.New(env.Config, kube.Options{Namespaces: []string{cached}})
	require.NoError(t, err)
	defer s.Close()
	w, err := s.Backups().Watch(ctx, "")
	require.NoError(t, err)
	defer w.Stop()
	for _, ns := range []string{other, cached} {
		_, err := s.Backups().Create(ctx, backup(ns, "b"))
		require.NoError(t, err)
		got, err := s.Backups().Get(ctx, ns, "b")
		require.NoError(t, err, "a namespace outside the caches is read from the API server")
		assert.Equal(t, ns, got.Namespace)
	}
	all, err := s.Backups().List(ctx, "", nil)
	require.NoError(t, err)
	require.Len(t, all, 1, "all namespaces are the cached ones")
	assert.Equal(t, cached, all[0].Namespace)
	direct, err := s.Backups().List(ctx, other, nil)
	require.NoError(t, err)
	assert.Len(t, direct, 1)
	select {
	case ev := <-w.ResultChan():
		assert.Equal(t, watch.Added, ev.Type)
		assert.Equal(t, cached, ev.Object.(*v1alpha1.Backup).Namespace, "the watch of all namespaces is the cached ones'")
	case <-time.After(30 * time.Second):
		t.Fatal("no event")
	}
}

func TestASyncThatCannotListFailsAsUnavailable(t *testing.T) {
	env := setup(t)
	cfg := rest.CopyConfig(env.Config)
	cfg.Host = "https://127.0.0.1:1" // nothing listens
	s, err := kube.New(cfg, kube.Options{SyncTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Backups().Get(context.Background(), "ns", "b")
	require.True(t, apierrors.IsServiceUnavailable(err), "got %v", err)
	assert.Contains(t, err.Error(), "has not synced")
}
