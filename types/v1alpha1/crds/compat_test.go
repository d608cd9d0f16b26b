package crds_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestServerAcceptsUpstreamAcceptedManifests: the manifests of
// ../testdata/compat, which KubeBlocks v0.5's CRDs accepted, are accepted
// by a real API server with this library's CRDs.
func TestServerAcceptsUpstreamAcceptedManifests(t *testing.T) {
	dp, ns := setup(t)
	c := dp.DataprotectionV1alpha1()
	ctx := context.Background()
	files, err := filepath.Glob("../testdata/compat/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		obj, err := v1alpha1.Decode(data)
		require.NoError(t, err, f)
		switch o := obj.(type) {
		case *v1alpha1.BackupTool:
			o.Name += "-" + ns // cluster-scoped: unique to this test's namespace
			_, err = c.BackupTools().Create(ctx, o, metav1.CreateOptions{})
			t.Cleanup(func() { _ = c.BackupTools().Delete(context.Background(), o.Name, metav1.DeleteOptions{}) })
		case *v1alpha1.BackupPolicy:
			_, err = c.BackupPolicies(ns).Create(ctx, o, metav1.CreateOptions{})
		default:
			t.Fatalf("%s: no case for %T", f, obj)
		}
		require.NoError(t, err, "%s: the API server refuses it", filepath.Base(f))
	}
}
