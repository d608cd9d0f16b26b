package policy_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
