package crds_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestEmbeddedCRDsMatchTheAPI(t *testing.T) {
	all, err := crds.CRDs()
	require.NoError(t, err)
	require.Len(t, all, 4)
	scopes := map[string]apiextensionsv1.ResourceScope{}
	for _, c := range all {
		require.Equal(t, "dataprotection.kubeblocks.io", c.Spec.Group)
		require.Len(t, c.Spec.Versions, 1)
		v := c.Spec.Versions[0]
		require.Equal(t, "v1alpha1", v.Name)
		require.NotNil(t, v.Subresources, "%s has a status subresource", c.Name)
		require.NotNil(t, v.Subresources.Status)
		scopes[c.Spec.Names.Kind] = c.Spec.Scope
	}
	require.Equal(t, map[string]apiextensionsv1.ResourceScope{
		"Backup":       apiextensionsv1.NamespaceScoped,
		"BackupPolicy": apiextensionsv1.NamespaceScoped,
		"BackupTool":   apiextensionsv1.ClusterScoped,
		"RestoreJob":   apiextensionsv1.NamespaceScoped,
	}, scopes)
}

// TestTTLPatternIsUpstreams: the CRD admits exactly the ttls KubeBlocks
// v0.5's CRD admitted, so no manifest upstream accepted is refused.
func TestTTLPatternIsUpstreams(t *testing.T) {
	all, err := crds.CRDs()
	require.NoError(t, err)
	for _, c := range all {
		if c.Spec.Names.Kind != "BackupPolicy" {
			continue
		}
		spec := c.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
		ttl := spec.Properties["retention"].Properties["ttl"]
		require.Equal(t, v1alpha1.UpstreamTTLPattern, ttl.Pattern)
		require.Equal(t, `^\d+[d|D|h|H]$`, ttl.Pattern)
		return
	}
	t.Fatal("no BackupPolicy CRD")
}
