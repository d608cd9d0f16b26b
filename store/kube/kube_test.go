package kube_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"

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

func TestConformance(t *testing.T) {
	env := setup(t)
	storetest.RunConformanceTestsWith(t, storetest.Harness{
		NewStore: func(t *testing.T) store.Store {
			s, err := kube.New(env.Config, nil)
			require.NoError(t, err)
			return s
		},
		NewNamespace: env.NewNamespace,
	})
}
