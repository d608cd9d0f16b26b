package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestBackupPath(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		want    string
		wantErr string
	}{
		{name: "under the namespace without an annotation", want: "demo/b1"},
		{name: "under the annotation's prefix in the namespace", prefix: "pg-1234/postgresql", want: "demo/pg-1234/postgresql/b1"},
		{name: "a leading or trailing slash is dropped", prefix: "/pg-1234/postgresql/", want: "demo/pg-1234/postgresql/b1"},
		{name: "a prefix is cleaned", prefix: "a//b/./c", want: "demo/a/b/c/b1"},
		{name: "a prefix that is only a slash is no prefix", prefix: "/", want: "demo/b1"},
		{name: "a prefix that names another namespace stays in this one", prefix: "/victim", want: "demo/victim/b1"},
		{name: "a prefix that climbs out is refused", prefix: "../other", wantErr: `must be a path without ".."`},
		{name: "a prefix that climbs inside is refused too", prefix: "a/../b", wantErr: `must be a path without ".."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Name: policyName, Namespace: ns}}
			if tt.prefix != "" {
				p.Annotations = map[string]string{v1alpha1.AnnotationPathPrefix: tt.prefix}
			}

			got, err := policy.BackupPath(p, ns, "b1")

			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Contains(t, err.Error(), v1alpha1.AnnotationPathPrefix)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
