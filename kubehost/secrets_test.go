package kubehost_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/kubehost"
)

var _ executor.SecretInspector = kubehost.Secrets(nil)

func TestSecretKeysReturnKeysOnlyAndNotFoundForAMissingSecret(t *testing.T) {
	env := testenv.Require(t)
	ctx := context.Background()
	ns := env.NewNamespace(t)
	_, err := env.Client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pg"},
		StringData: map[string]string{"username": "postgres", "password": "s3cret", "host": "pg-0"}}, metav1.CreateOptions{})
	require.NoError(t, err)

	for name, secrets := range map[string]kubehost.Secrets{
		"from a client": kubehost.SecretsFromClient(env.Client),
		"from a lister": fromCache(t, env.Client, ns, func(f informers.SharedInformerFactory) kubehost.Secrets {
			return kubehost.SecretsFromLister(f.Core().V1().Secrets().Lister())
		}),
	} {
		t.Run(name, func(t *testing.T) {
			keys, err := secrets.SecretKeys(ctx, ns, "pg")
			require.NoError(t, err)
			assert.Equal(t, []string{"host", "password", "username"}, keys)
			_, err = secrets.SecretKeys(ctx, ns, "missing")
			require.Error(t, err)
			assert.True(t, drivers.IsNotFound(err), "%v", err)
		})
	}
}

func TestSecretKeysKeepTheAPIErrorsCode(t *testing.T) {
	env := testenv.Require(t)
	cfg, err := env.ConfigFor("nobody")
	require.NoError(t, err)
	client, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	_, err = kubehost.SecretsFromClient(client).SecretKeys(context.Background(), "default", "pg")
	require.Error(t, err)
	assert.Equal(t, drivers.PermissionDenied, drivers.ErrorCode(err), "%v", err)
}
