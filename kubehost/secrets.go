package kubehost

import (
	"context"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
)

// Secrets gets the secret namespace/name; a missing secret is an error for
// which drivers.IsNotFound is true (the API server's NotFound is). Its
// SecretKeys method makes it the engine's SecretInspector.
type Secrets func(ctx context.Context, namespace, name string) (*corev1.Secret, error)

// SecretsFromClient returns Secrets that gets each secret from the API
// server: it needs only get on secrets, and caches nothing.
func SecretsFromClient(client kubernetes.Interface) Secrets {
	return func(ctx context.Context, namespace, name string) (*corev1.Secret, error) {
		return client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	}
}

// SecretsFromLister returns Secrets that reads an informer's cache:
// factory.Core().V1().Secrets().Lister() of a SharedInformerFactory, which
// must be started and synced before the engine validates policies. The
// cache holds every secret of the namespaces it watches, values included:
// prefer SecretsFromClient unless the host caches secrets anyway.
func SecretsFromLister(lister corelisters.SecretLister) Secrets {
	return func(_ context.Context, namespace, name string) (*corev1.Secret, error) {
		return lister.Secrets(namespace).Get(name)
	}
}

// SecretKeys returns the sorted keys of the secret namespace/name, never
// its values. Errors are those of s: a missing secret is NotFound, which the
// engine reports on the policy.
func (s Secrets) SecretKeys(ctx context.Context, namespace, name string) ([]string, error) {
	secret, err := s(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(secret.Data)), nil
}
