package kube_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	"github.com/dpsdk/dataprotection/client/informers/externalversions"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	"github.com/dpsdk/dataprotection/store/storetest"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// setup returns the control plane with the CRDs installed.
func setup(t *testing.T) *testenv.Env {
	t.Helper()
	env := testenv.Require(t)
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(context.Background(), ext.ApiextensionsV1(), nil))
	return env
}

// TestConformance runs the suite on the default store: reads from the
// store's own informers, a second store (its own caches) as the peer.
func TestConformance(t *testing.T) {
	env := setup(t)
	newStore := func(t *testing.T) store.Store {
		s, err := kube.New(env.Config, kube.Options{})
		require.NoError(t, err)
		return s
	}
	storetest.RunConformanceTestsWith(t, storetest.Harness{NewStore: newStore, NewPeer: newStore,
		NewNamespace: env.NewNamespace})
}

// TestConformanceWithHostInformers runs the suite on stores that read from
// informers a host runs (the generated SharedInformerFactory), one factory
// per store.
func TestConformanceWithHostInformers(t *testing.T) {
	env := setup(t)
	storetest.RunConformanceTestsWith(t, storetest.Harness{NewStore: func(t *testing.T) store.Store {
		return hostStore(t, env)
	}, NewNamespace: env.NewNamespace})
}

// TestConformanceDirectReads runs the suite without caches.
func TestConformanceDirectReads(t *testing.T) {
	env := setup(t)
	newStore := func(t *testing.T) store.Store {
		s, err := kube.New(env.Config, kube.Options{DirectReads: true})
		require.NoError(t, err)
		return s
	}
	storetest.RunConformanceTestsWith(t, storetest.Harness{NewStore: newStore, NewPeer: newStore,
		NewNamespace: env.NewNamespace})
}

// hostStore returns a store over the informers of a factory the test
// starts after handing them to the store, and stops when the test ends.
func hostStore(t *testing.T, env *testenv.Env) *kube.Store {
	cs, err := versioned.NewForConfig(env.Config)
	require.NoError(t, err)
	f := externalversions.NewSharedInformerFactory(cs, 0)
	inf := f.Dataprotection().V1alpha1()
	s, err := kube.NewForClientset(cs, kube.Options{Informers: &kube.Informers{Backups: inf.Backups().Informer(),
		BackupPolicies: inf.BackupPolicies().Informer(), BackupTools: inf.BackupTools().Informer(),
		RestoreJobs: inf.RestoreJobs().Informer()}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	f.Start(ctx.Done())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	return s
}
