package policy_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestDriverNameFollowsTypeAnnotationAndDeployKind(t *testing.T) {
	tool := func(kind v1alpha1.DeployKind, ann string) *v1alpha1.BackupTool {
		tl := &v1alpha1.BackupTool{Spec: v1alpha1.BackupToolSpec{DeployKind: kind}}
		if ann != "" {
			tl.ObjectMeta = metav1.ObjectMeta{Annotations: map[string]string{v1alpha1.AnnotationDriver: ann}}
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
			require.Equal(t, tc.want, policy.DriverName(tc.typ, tc.tool))
		})
	}
}

func TestDriverCapabilitiesCheck(t *testing.T) {
	caps := policy.DriverCapabilities{"job": {Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}}
	require.NoError(t, caps.Check("job", drivers.KindBackup, v1alpha1.BackupTypeDataFile))
	require.ErrorContains(t, caps.Check("job", drivers.KindRestore, v1alpha1.BackupTypeDataFile), "does not run restore tasks")
	require.EqualError(t, caps.Check("csi", drivers.KindBackup, v1alpha1.BackupTypeSnapshot), `no driver is registered as "csi" (registered: job)`)
	require.EqualError(t, policy.DriverCapabilities{}.Check("job", drivers.KindBackup, v1alpha1.BackupTypeDataFile),
		`no driver is registered as "job" (registered: none)`)
}
