package slim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
)

func TestManagedFields(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", ResourceVersion: "7",
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubectl"}}}}
	out, err := ManagedFields(pod)
	require.NoError(t, err)
	assert.Same(t, pod, out, "in place")
	assert.Nil(t, pod.ManagedFields)
	assert.Equal(t, "7", pod.ResourceVersion, "the rest is kept")

	bare := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "q"}}
	out, err = ManagedFields(bare)
	require.NoError(t, err)
	assert.Same(t, bare, out)

	tomb := cache.DeletedFinalStateUnknown{Key: "ns/p", Obj: pod}
	out, err = ManagedFields(tomb)
	require.NoError(t, err)
	assert.Equal(t, tomb, out, "not an object: passed as it is")
}
