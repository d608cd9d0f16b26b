package drivers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestErrorCodesSurviveWrapping(t *testing.T) {
	base := drivers.Errorf(drivers.NotFound, "task %q", "x")
	wrapped := fmt.Errorf("engine: status: %w", base)
	require.Equal(t, drivers.NotFound, drivers.ErrorCode(wrapped))
	require.True(t, drivers.IsNotFound(wrapped))
	require.Equal(t, `engine: status: task "x"`, wrapped.Error())

	inner := errors.New("connection refused")
	e := drivers.Errorf(drivers.Unavailable, "dial: %w", inner)
	require.ErrorIs(t, e, inner)
	require.Equal(t, "dial: connection refused", e.Error())
	require.Equal(t, drivers.Internal, drivers.ErrorCode(drivers.WithCode(drivers.Internal, inner)))
	require.NoError(t, drivers.WithCode(drivers.Internal, nil))
}

func TestErrorCodeOfPlainAndContextErrors(t *testing.T) {
	require.Equal(t, drivers.Unknown, drivers.ErrorCode(errors.New("x")))
	require.Equal(t, drivers.Unknown, drivers.ErrorCode(nil))
	require.Equal(t, drivers.Canceled, drivers.ErrorCode(fmt.Errorf("op: %w", context.Canceled)))
	require.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(context.DeadlineExceeded))
}

func TestRetryableCodes(t *testing.T) {
	retry := map[drivers.Code]bool{drivers.Unknown: true, drivers.Unavailable: true,
		drivers.DeadlineExceeded: true, drivers.ResourceExhausted: true, drivers.Conflict: true}
	for c := drivers.Unknown; c <= drivers.Internal; c++ {
		assert.Equal(t, retry[c], c.Retryable(), c.String())
	}
	assert.Equal(t, "Code(99)", drivers.Code(99).String())
}

func TestDriverNameFollowsTypeAnnotationAndDeployKind(t *testing.T) {
	tool := func(kind v1alpha1.DeployKind, ann string) *v1alpha1.BackupTool {
		tl := &v1alpha1.BackupTool{Spec: v1alpha1.BackupToolSpec{DeployKind: kind}}
		if ann != "" {
			tl.ObjectMeta = metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.DriverAnnotation: ann}}
		}
		return tl
	}
	cases := []struct {
		name string
		typ  v1alpha1.BackupType
		tool *v1alpha1.BackupTool
		want string
	}{
		{"snapshot backups use the snapshot driver", v1alpha1.BackupTypeSnapshot, nil, "snapshot"},
		{"a job tool uses the job driver", v1alpha1.BackupTypeDataFile, tool(v1alpha1.DeployKindJob, ""), "job"},
		{"a daemon tool uses the daemon driver", v1alpha1.BackupTypeLogFile, tool(v1alpha1.DeployKindDaemon, ""), "daemon"},
		{"an undefaulted tool uses the job driver", v1alpha1.BackupTypeDataFile, tool("", ""), "job"},
		{"the driver annotation wins over deployKind", v1alpha1.BackupTypeDataFile, tool(v1alpha1.DeployKindJob, "tar-plugin"), "tar-plugin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, drivers.DriverName(tc.typ, tc.tool))
		})
	}
}

func TestRegistryLookupAndCapabilities(t *testing.T) {
	r := drivers.Registry{"job": nil}
	_, err := r.Lookup("plugin-x")
	require.True(t, drivers.IsNotFound(err))
	require.ErrorContains(t, err, `"plugin-x"`)
	require.Equal(t, []string{"job"}, r.Names())

	caps := drivers.CapabilitySet{"job": {Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}}
	require.NoError(t, caps.Check("job", drivers.KindBackup, v1alpha1.BackupTypeDataFile))
	require.ErrorContains(t, caps.Check("job", drivers.KindRestore, v1alpha1.BackupTypeDataFile), "does not run restore tasks")
	require.ErrorContains(t, caps.Check("csi", drivers.KindBackup, v1alpha1.BackupTypeSnapshot), `no driver registered as "csi"`)
}

func TestExpandFollowsKubernetesRules(t *testing.T) {
	vars := map[string]string{"BACKUP_DIR": "/backup/b1", "NAME": "b1"}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	cases := map[string]string{
		"$(BACKUP_DIR)/data": "/backup/b1/data",
		"$(NAME)-$(NAME)":    "b1-b1",
		"$$(BACKUP_DIR)":     "$(BACKUP_DIR)",
		"$(UNKNOWN)/x":       "$(UNKNOWN)/x",
		"$BACKUP_DIR":        "$BACKUP_DIR",
		"cost: 5$":           "cost: 5$",
		"$(unterminated":     "$(unterminated",
		"no references":      "no references",
	}
	for in, want := range cases {
		assert.Equal(t, want, drivers.Expand(in, lookup), in)
	}
}

func TestSubstituteThenExpandEqualsOneExpansion(t *testing.T) {
	early := map[string]string{"DIR": "/b/$x", "NAME": "b1"}
	late := map[string]string{"DIR": "/b/$x", "NAME": "b1", "PASS": "p$(w)"}
	lookup := func(m map[string]string) func(string) (string, bool) {
		return func(n string) (string, bool) { v, ok := m[n]; return v, ok }
	}
	for _, in := range []string{"$(DIR)/data", "$(PASS)@$(NAME)", "$$(NAME) $$5", "$(NOPE)", "plain"} {
		once := drivers.Expand(in, lookup(late))
		twice := drivers.Expand(drivers.Substitute(in, lookup(early)), lookup(late))
		assert.Equal(t, once, twice, in)
	}
	assert.Equal(t, "a$$b", drivers.Escape("a$b"))
}
