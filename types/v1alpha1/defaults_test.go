package v1alpha1_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const minimalPolicy = `apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupPolicy
metadata: {name: p, namespace: demo}
spec:
  snapshot:
    target:
      labelsSelector: {matchLabels: {app: pg}}
      secret: {name: s}
  datafile:
    target:
      labelsSelector: {matchLabels: {app: pg}}
    persistentVolumeClaim: {name: backup-data}
    backupToolName: tool
  logfile:
    backupsHistoryLimit: 0
    target:
      labelsSelector: {matchLabels: {app: pg}}
    persistentVolumeClaim: {name: backup-logs, createPolicy: Never, initCapacity: 1Gi}
    backupToolName: tool
`

func TestDefaultsAreAppliedAsTheSpecSays(t *testing.T) {
	obj, err := v1alpha1.Decode([]byte(minimalPolicy))
	require.NoError(t, err)
	p := obj.(*v1alpha1.BackupPolicy)
	v1alpha1.SetDefaults(p)

	require.Equal(t, int32(7), *p.Spec.Snapshot.BackupsHistoryLimit, "backupsHistoryLimit defaults to 7")
	require.Equal(t, int32(7), *p.Spec.Datafile.BackupsHistoryLimit)
	require.Equal(t, int32(0), *p.Spec.Logfile.BackupsHistoryLimit, "an explicit 0 (no limit) is kept")
	require.Equal(t, "username", p.Spec.Snapshot.Target.Secret.UsernameKey)
	require.Equal(t, "password", p.Spec.Snapshot.Target.Secret.PasswordKey)
	require.Equal(t, v1alpha1.CreatePVCPolicyIfNotPresent, p.Spec.Datafile.PersistentVolumeClaim.CreatePolicy)
	require.True(t, resource.MustParse("100Gi").Equal(*p.Spec.Datafile.PersistentVolumeClaim.InitCapacity), "initCapacity defaults to 100Gi")
	require.Equal(t, v1alpha1.CreatePVCPolicyNever, p.Spec.Logfile.PersistentVolumeClaim.CreatePolicy)
	require.True(t, resource.MustParse("1Gi").Equal(*p.Spec.Logfile.PersistentVolumeClaim.InitCapacity))
	require.Empty(t, v1alpha1.ValidateBackupPolicy(p))
}

func TestDefaultsOfBackupAndToolAndRestoreJob(t *testing.T) {
	b := &v1alpha1.Backup{}
	tool := &v1alpha1.BackupTool{}
	r := &v1alpha1.RestoreJob{Spec: v1alpha1.RestoreJobSpec{Target: v1alpha1.TargetCluster{Secret: &v1alpha1.BackupPolicySecret{Name: "s"}}}}
	for _, o := range []runtime.Object{b, tool, r} {
		v1alpha1.SetDefaults(o)
	}
	require.Equal(t, v1alpha1.BackupTypeDataFile, b.Spec.BackupType)
	require.Equal(t, v1alpha1.DeployKindJob, tool.Spec.DeployKind)
	require.Equal(t, v1alpha1.ToolTypeFile, tool.Spec.Type)
	require.Equal(t, "username", r.Spec.Target.Secret.UsernameKey)
	require.Equal(t, "password", r.Spec.Target.Secret.PasswordKey)
}

func TestSchemeDefaulterMatchesSetDefaults(t *testing.T) {
	s := runtime.NewScheme()
	require.NoError(t, v1alpha1.AddToScheme(s))
	b := &v1alpha1.Backup{}
	s.Default(b)
	require.Equal(t, v1alpha1.BackupTypeDataFile, b.Spec.BackupType)
}
