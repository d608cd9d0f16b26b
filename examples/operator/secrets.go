package main

import (
	"context"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	dataprotection "github.com/dpsdk/dataprotection"
)

// secretKeys is the engine's SecretInspector: it tells which keys a
// policy's secret has, so that a missing username or password key fails
// the policy when it is validated rather than a backup at run time.
//
// RBAC cannot grant a secret's keys without its values, so it reads the
// secret (get only: no list, no watch, no cache of secrets) and keeps
// nothing but the keys; the values are never logged or stored. The backup
// Jobs receive credentials as secretKeyRefs, resolved by the kubelet.
type secretKeys struct {
	client kubernetes.Interface
}

var _ dataprotection.SecretInspector = secretKeys{}

// SecretKeys returns the sorted keys of the secret; a missing secret is the
// API server's NotFound error, which the engine reports on the policy.
func (s secretKeys) SecretKeys(ctx context.Context, namespace, name string) ([]string, error) {
	secret, err := s.client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(secret.Data)), nil
}
