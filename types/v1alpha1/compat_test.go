package v1alpha1_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestUpstreamAcceptedManifestsAreValid: the manifests in testdata/compat
// reproduce what KubeBlocks v0.5 accepted and this library once refused;
// each decodes strictly and validates once defaulted.
func TestUpstreamAcceptedManifestsAreValid(t *testing.T) {
	files, err := filepath.Glob("testdata/compat/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			obj, err := v1alpha1.Decode(data)
			require.NoError(t, err)
			v1alpha1.SetDefaults(obj)
			require.Empty(t, validate(obj))
		})
	}
}
