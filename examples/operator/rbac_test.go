package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
)

// The manifest embedded here is deploy/rbac/clusterrole.yaml, byte for byte.
func TestEmbeddedRBACIsTheDeployManifest(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rbac", "clusterrole.yaml"))
	require.NoError(t, err)
	require.Equal(t, string(want), string(RBACManifest()),
		"examples/operator/rbac.yaml differs from deploy/rbac/clusterrole.yaml: run go generate ./examples/operator")
}

func TestLoadRBACMovesTheNamespacedObjects(t *testing.T) {
	r, err := LoadRBAC("ops")
	require.NoError(t, err)
	names := func(roles []*rbacv1.ClusterRole) (out []string) {
		for _, r := range roles {
			out = append(out, r.Name)
		}
		return out
	}
	assert.Equal(t, []string{"dataprotection", "dataprotection-hooks"}, names(r.ClusterRoles))
	require.Len(t, r.ServiceAccounts, 1)
	assert.Equal(t, "ops", r.ServiceAccounts[0].Namespace)
	require.Len(t, r.ClusterRoleBindings, 1)
	assert.Equal(t, []rbacv1.Subject{{Kind: "ServiceAccount", Name: "dataprotection", Namespace: "ops"}},
		r.ClusterRoleBindings[0].Subjects)
	require.Len(t, r.Roles, 1)
	assert.Equal(t, "ops", r.Roles[0].Namespace)
	require.Len(t, r.RoleBindings, 1)
	assert.Equal(t, "ops", r.RoleBindings[0].Namespace)
	assert.Equal(t, "ops", r.RoleBindings[0].Subjects[0].Namespace)

	d, err := LoadRBAC("")
	require.NoError(t, err)
	assert.Equal(t, DefaultNamespace, d.ServiceAccounts[0].Namespace)
}

// The role grants no wildcard and never lets the engine read secrets in
// bulk, escalate, or impersonate.
func TestTheClusterRoleIsNarrow(t *testing.T) {
	r, err := LoadRBAC("")
	require.NoError(t, err)
	for _, role := range r.ClusterRoles {
		for _, rule := range role.Rules {
			for _, field := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs} {
				assert.NotContains(t, field, "*", "%s: %+v", role.Name, rule)
			}
			assert.Empty(t, rule.ResourceNames, "%s: %+v", role.Name, rule)
			assert.Empty(t, rule.NonResourceURLs, "%s: %+v", role.Name, rule)
			for _, verb := range []string{"escalate", "bind", "impersonate", "deletecollection"} {
				assert.NotContains(t, rule.Verbs, verb, "%s: %+v", role.Name, rule)
			}
			if slices.Contains(rule.Resources, "secrets") {
				assert.Equal(t, []string{"get"}, rule.Verbs, "secrets: get by name only")
			}
		}
	}
}
