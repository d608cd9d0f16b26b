package policy_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestToolWithoutImageRunsInTheTargetImage: a BackupTool with image ""
// (upstream's postgres-pitr) runs its backup, status updates and restores
// in the image of the target's first container.
func TestToolWithoutImageRunsInTheTargetImage(t *testing.T) {
	f := load(t)
	f.tool.Spec.Image = ""
	in := f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile))
	in.Target.Image = "postgres:15.4"

	plan, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	for _, pt := range plan.Tasks {
		assert.Equal(t, "postgres:15.4", pt.Task.Image, "%s task %s", pt.Task.Kind, pt.Task.ID)
	}

	r := f.restoreInputs(completed(baseName, ""))
	r.Target.Image = "postgres:15.4"
	rp, err := policy.ResolveRestore(r)
	require.NoError(t, err)
	assert.Equal(t, "postgres:15.4", rp.Physical.Task.Image)

	f.tool.Spec.Image = "tools:1"
	plan, err = policy.ResolveBackup(in)
	require.NoError(t, err)
	assert.Equal(t, "tools:1", plan.Tasks[plan.Main].Task.Image, "a tool's own image wins")
}

// TestToolWithoutBackupCommandsFailsAFullBackup: a BackupTool with
// backupCommands: [] is valid, but a full backup with it fails with a
// reason of its own.
func TestToolWithoutBackupCommandsFailsAFullBackup(t *testing.T) {
	f := load(t)
	f.tool.Spec.BackupCommands = []string{}
	require.Equal(t, v1alpha1.PolicyAvailable, policy.Validate(f.policy, f.inputs()).Phase)

	_, err := policy.ResolveBackup(f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile)))
	var re *policy.ReasonError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, policy.ReasonNoBackupCommands, re.Reason)
	assert.Equal(t, `BackupTool "pg-basebackup" has no backupCommands: it cannot make a full datafile backup`, err.Error())
}

// TestPolicyWithoutClaimNameWithoutDefaults: a policy whose datafile and
// logfile claims have no name (what the KubeBlocks v0.5 cluster controller
// writes) stays Available, saying why datafile and logfile backups cannot
// run; such a backup fails with upstream's reason BackupPVCNameIsEmpty,
// and snapshots still resolve.
func TestPolicyWithoutClaimNameWithoutDefaults(t *testing.T) {
	f := load(t)
	f.policy.Spec.Datafile.PersistentVolumeClaim.Name = ""
	f.policy.Spec.Logfile.PersistentVolumeClaim.Name = ""

	v := policy.Validate(f.policy, f.inputs())
	require.Equal(t, v1alpha1.PolicyAvailable, v.Phase, v.Reason)
	require.Len(t, v.Unavailable, 2)
	for _, ty := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		assert.Contains(t, v.Unavailable[ty], "persistentVolumeClaim name of the "+string(ty)+" policy")
		assert.Contains(t, v.Reason, v.Unavailable[ty])
	}

	_, err := policy.ResolveBackup(f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile)))
	var re *policy.ReasonError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, policy.ReasonBackupPVCNameIsEmpty, re.Reason)
	_, err = policy.ResolveBackup(f.backupInputs(backup("s1", v1alpha1.BackupTypeSnapshot)))
	require.NoError(t, err, "snapshots need no claim")
}

// TestPolicyWithoutClaimNameUsesTheDefaultClaim: with the host's default
// claim, a policy that names none backs up into it, created as the
// defaults say (they win over the policy's own settings).
func TestPolicyWithoutClaimNameUsesTheDefaultClaim(t *testing.T) {
	f := load(t)
	f.policy.Spec.Datafile.PersistentVolumeClaim.Name = ""
	in := f.inputs()
	in.Claims = policy.BackupClaimDefaults{Name: "backup-data-global", InitCapacity: ref(resource.MustParse("20Gi")),
		StorageClassName: "nfs", CreatePolicy: v1alpha1.CreatePVCPolicyIfNotPresent}
	v := policy.Validate(f.policy, in)
	require.Equal(t, v1alpha1.PolicyAvailable, v.Phase, v.Reason)
	assert.Empty(t, v.Reason)

	bi := f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile))
	bi.Claims = in.Claims
	plan, err := policy.ResolveBackup(bi)
	require.NoError(t, err)
	assert.Equal(t, &drivers.Storage{ClaimName: "backup-data-global", MountPath: "/backupdata", Path: "demo/b1",
		Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("20Gi"), StorageClassName: ref("nfs"),
			GenerateName: "backup-data-global-demo"}}, plan.Storage)

	f.policy.Spec.Datafile.PersistentVolumeClaim.Name = "own-claim"
	plan, err = policy.ResolveBackup(bi)
	require.NoError(t, err)
	assert.Equal(t, "own-claim", plan.Storage.ClaimName, "a policy's own claim wins over the default")
}

func TestBackupClaimDefaultsValidate(t *testing.T) {
	require.NoError(t, policy.BackupClaimDefaults{}.Validate())
	err := policy.BackupClaimDefaults{Name: "Bad_Name", InitCapacity: ref(resource.MustParse("0")), CreatePolicy: "Sometimes",
		PersistentVolumeConfigMap: &v1alpha1.PersistentVolumeConfigMap{Name: "pv"}}.Validate()
	require.Error(t, err)
	for _, want := range []string{`name "Bad_Name"`, "initCapacity 0", `createPolicy "Sometimes"`, "persistentVolumeConfigMap"} {
		assert.Contains(t, err.Error(), want)
	}
}
