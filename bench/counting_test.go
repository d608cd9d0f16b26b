package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsCollection(t *testing.T) {
	for path, want := range map[string]bool{
		"/api/v1/namespaces/ns/pods":                                           true,
		"/api/v1/namespaces/ns/pods/p1":                                        false,
		"/api/v1/namespaces/ns/pods/p1/status":                                 false,
		"/api/v1/namespaces":                                                   true,
		"/api/v1/namespaces/ns":                                                false,
		"/apis/batch/v1/jobs":                                                  true,
		"/apis/batch/v1/namespaces/ns/jobs":                                    true,
		"/apis/dataprotection.kubeblocks.io/v1alpha1/backuptools/t":            false,
		"/apis/dataprotection.kubeblocks.io/v1alpha1/backuptools":              true,
		"/apis/dataprotection.kubeblocks.io/v1alpha1/namespaces/ns/backups/b1": false,
		"/healthz": false,
	} {
		assert.Equal(t, want, isCollection(path), path)
	}
}
