package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// evilCheckpoint is a parent's CheckPoint that a tool (or a status update)
// wrote to run code in the next incremental backup.
const evilCheckpoint = `x"; touch /tmp/marker; echo "`

// TestStatusValuesReachCommandsOnlyAsEnvironment: an incremental backup's
// commands refer to the parent's CheckPoint with $(PARENT_CHECKPOINT),
// directly and through a tool variable; the resolved commands hold no text
// of it, even once a driver has expanded them, and the environment carries
// it.
func TestStatusValuesReachCommandsOnlyAsEnvironment(t *testing.T) {
	f := load(t)
	f.tool.Spec.Env = append(f.tool.Spec.Env, corev1.EnvVar{Name: "FROM", Value: "--from=$(PARENT_CHECKPOINT)"})
	f.tool.Spec.IncrementalBackupCommands = []string{
		`pg_backup --since "$(PARENT_CHECKPOINT)" -D $(BACKUP_DIR)`,
		`echo $(FROM) $$(PARENT_CHECKPOINT)`,
	}
	parent := completed(baseName, "")
	parent.Status.Manifests.BackupTool.CheckPoint = evilCheckpoint
	in := f.backupInputs(completed(incrName, baseName))
	in.Backup.Status = v1alpha1.BackupStatus{}
	in.Parent = parent

	plan, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	task := plan.Tasks[plan.Main].Task
	assert.Equal(t, []string{
		`pg_backup --since "$${PARENT_CHECKPOINT}" -D $(BACKUP_DIR)`,
		`echo $${FROM} $$(PARENT_CHECKPOINT)`,
	}, task.Steps[0].Commands)

	env := map[string]string{}
	for _, v := range task.Env {
		env[v.Name] = envvar.Expand(v.Value, func(n string) (string, bool) { s, ok := env[n]; return s, ok })
	}
	assert.Equal(t, evilCheckpoint, env["PARENT_CHECKPOINT"], "the value is in the environment")
	assert.Equal(t, "--from="+evilCheckpoint, env["FROM"])
	for _, c := range task.Steps[0].Commands {
		expanded := envvar.Expand(c, func(n string) (string, bool) { s, ok := env[n]; return s, ok })
		assert.NotContains(t, expanded, "touch", "what sh -c parses holds no status text: %s", expanded)
	}
	assert.Equal(t, `pg_backup --since "${PARENT_CHECKPOINT}" -D /backupdata/demo/`+incrName,
		envvar.Expand(task.Steps[0].Commands[0], func(n string) (string, bool) { s, ok := env[n]; return s, ok }))
}

// TestStatusValueInAVariableTheShellCannotName: a tool variable built from
// the CheckPoint whose name the shell cannot expand cannot be used in a
// command.
func TestStatusValueInAVariableTheShellCannotName(t *testing.T) {
	f := load(t)
	f.tool.Spec.Env = append(f.tool.Spec.Env, corev1.EnvVar{Name: "from.point", Value: "$(PARENT_CHECKPOINT)"})
	f.tool.Spec.IncrementalBackupCommands = []string{`echo $(from.point)`}
	in := f.backupInputs(completed(incrName, baseName))
	in.Backup.Status = v1alpha1.BackupStatus{}
	in.Parent = completed(baseName, "")

	_, err := policy.ResolveBackup(in)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `"from.point" is not a shell variable name`), err.Error())
}
