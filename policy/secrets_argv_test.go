package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestSecretValuesReachCommandsOnlyAsEnvironment: commands that refer to
// secret-backed variables (the policy's DB_PASSWORD, a tool's secretKeyRef,
// a tool variable built from one) get the shell's ${NAME}, so no driver
// (nor the kubelet) writes the value into the argv of `sh -c`; the other
// references keep the Kubernetes expansion.
func TestSecretValuesReachCommandsOnlyAsEnvironment(t *testing.T) {
	f := load(t)
	f.tool.Spec.Env = append(f.tool.Spec.Env,
		corev1.EnvVar{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "api"}, Key: "token"}}},
		corev1.EnvVar{Name: "CONN", Value: "postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST)"},
		corev1.EnvVar{Name: "PLAIN", Value: "port-$(PGPORT)"})
	f.tool.Spec.BackupCommands = []string{`pg_dump "$(CONN)" --token=$(TOKEN) -p $(DB_PASSWORD) > $(BACKUP_DIR)/dump $(PLAIN) $$(DB_PASSWORD)`}
	f.tool.Spec.Physical.RestoreCommands = []string{`psql -U $(DB_USER) -f $(BACKUP_DIR)/dump`}
	f.policy.Spec.Datafile.BackupStatusUpdates = []v1alpha1.BackupStatusUpdate{{UpdateStage: v1alpha1.PostBackup,
		Script: `echo "{\"userContext\":{\"u\":\"$(DB_USER)\"}}"`}}
	in := f.backupInputs(completed(baseName, ""))
	in.Backup.Status = v1alpha1.BackupStatus{}

	plan, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	main := plan.Tasks[plan.Main].Task
	assert.Equal(t, []string{`pg_dump "$${CONN}" --token=$${TOKEN} -p $${DB_PASSWORD} > $(BACKUP_DIR)/dump $(PLAIN) $$(DB_PASSWORD)`},
		main.Steps[0].Commands)
	update := plan.Tasks[len(plan.Tasks)-1].Task
	assert.Equal(t, []string{`echo "{\"userContext\":{\"u\":\"$${DB_USER}\"}}"`}, update.Steps[0].Commands)

	restore, err := policy.ResolveRestore(f.restoreInputs(completed(baseName, "")))
	require.NoError(t, err)
	assert.Equal(t, []string{`psql -U $${DB_USER} -f $(BACKUP_DIR)/dump`}, restore.Physical.Task.Steps[0].Commands)
}

// A tool variable that overrides a secret-backed one with a plain value
// is plain again: the driver expands it.
func TestAPlainOverrideOfASecretVariableIsExpandedAsUsual(t *testing.T) {
	f := load(t)
	f.tool.Spec.Env = append(f.tool.Spec.Env, corev1.EnvVar{Name: "DB_USER", Value: "backup"})
	f.tool.Spec.BackupCommands = []string{`run -U $(DB_USER)`}
	in := f.backupInputs(completed(baseName, ""))
	in.Backup.Status = v1alpha1.BackupStatus{}
	plan, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	assert.Equal(t, []string{`run -U $(DB_USER)`}, plan.Tasks[plan.Main].Task.Steps[0].Commands, "left to the driver")
}
