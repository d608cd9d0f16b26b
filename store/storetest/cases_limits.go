package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// hugeList is the length of the lists of the objects that testCreateHuge
// creates: far over every limit of package v1alpha1.
const hugeList = 100_000

// hugeCreateBudget bounds the time a store may take to refuse one of them.
const hugeCreateBudget = 5 * time.Second

func limitCases() []testCase {
	return []testCase{
		{"create of an object over a list limit is Invalid at once, with a short message", testCreateHuge},
	}
}

// testCreateHuge creates a BackupTool with 100,000 env entries, valid and
// invalid, and one with 20,000 annotations with invalid keys: each is
// refused as Invalid, quickly, with a message that names the limit and
// stays short.
func testCreateHuge(t *testing.T, e *env) {
	for name, mutate := range map[string]func(*v1alpha1.BackupTool){
		"valid env":   func(tl *v1alpha1.BackupTool) { tl.Spec.Env = hugeEnv("V%d") },
		"invalid env": func(tl *v1alpha1.BackupTool) { tl.Spec.Env = hugeEnv("%d BAD NAME") },
		"invalid annotations": func(tl *v1alpha1.BackupTool) {
			tl.Annotations = make(map[string]string, hugeList/5)
			for i := range hugeList / 5 {
				tl.Annotations[fmt.Sprintf("bad key %d!", i)] = "v"
			}
		},
	} {
		tool := e.tool("huge")
		mutate(tool)
		start := time.Now()
		_, err := e.s.BackupTools().Create(e.ctx, tool)
		took := time.Since(start)
		t.Logf("%s: %s", name, took)
		requireReason(t, apierrors.IsInvalid, err, name+": Invalid")
		assert.Less(t, took, hugeCreateBudget, "%s: Create took %s", name, took)
		assert.Less(t, len(err.Error()), 8<<10, "%s: the error message has %d bytes", name, len(err.Error()))
		if name != "invalid annotations" {
			assert.Contains(t, err.Error(), "spec.env: Too many", name)
		}
		_, err = e.s.BackupTools().Get(e.ctx, "", tool.Name)
		require.True(t, apierrors.IsNotFound(err), "%s: an invalid object is not stored: %v", name, err)
	}
}

func hugeEnv(format string) []corev1.EnvVar {
	env := make([]corev1.EnvVar, hugeList)
	for i := range env {
		env[i] = corev1.EnvVar{Name: fmt.Sprintf(format, i), Value: "x"}
	}
	return env
}
