package drivers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func validBackup() *drivers.Task {
	return &drivers.Task{ID: "b1-a0-main", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Env:     []corev1.EnvVar{{Name: "DB_HOST", Value: "db"}},
		Storage: &drivers.Storage{ClaimName: "backup-pvc", MountPath: "/backupdata", Path: "ns/b1"},
		Steps:   []drivers.Step{{Name: "backup", Commands: []string{"pg_dump > $BACKUP_DIR/dump"}}}}
}

func TestValidateTaskAcceptsWellFormedTasks(t *testing.T) {
	snap := &drivers.Task{ID: "s1", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeSnapshot,
		Snapshot: &drivers.SnapshotSpec{Name: "s1", Claims: []string{"data"}}}
	del := validBackup()
	del.Kind, del.Steps = drivers.KindDeleteArtifacts, nil
	hook := &drivers.Task{ID: "h1", Kind: drivers.KindHook, BackupType: v1alpha1.BackupTypeSnapshot,
		Steps: []drivers.Step{{Name: "pre", Commands: []string{"sync"}}}}
	for _, task := range []*drivers.Task{validBackup(), snap, del, hook} {
		assert.NoError(t, drivers.ValidateTask(task), "%s %s", task.BackupType, task.Kind)
	}
}

func TestValidateTaskRejectsMalformedTasks(t *testing.T) {
	for name, mutate := range map[string]func(*drivers.Task){
		"empty ID":               func(t *drivers.Task) { t.ID = "" },
		"ID not a DNS label":     func(t *drivers.Task) { t.ID = "Not_A_Label" },
		"ID with a path":         func(t *drivers.Task) { t.ID = "a/../b" },
		"ID over 63 characters":  func(t *drivers.Task) { t.ID = strings.Repeat("a", 64) },
		"unknown kind":           func(t *drivers.Task) { t.Kind = "frobnicate" },
		"backup without storage": func(t *drivers.Task) { t.Storage = nil },
		"snapshot without snapshot": func(t *drivers.Task) {
			t.BackupType, t.Storage = v1alpha1.BackupTypeSnapshot, nil
		},
		"path climbing out":         func(t *drivers.Task) { t.Storage.Path = "ns/../../etc" },
		"absolute path":             func(t *drivers.Task) { t.Storage.Path = "/etc" },
		"backslash in path":         func(t *drivers.Task) { t.Storage.Path = `ns\b1` },
		"claim not a DNS subdomain": func(t *drivers.Task) { t.Storage.ClaimName = "../x" },
		"deleting the claim's root": func(t *drivers.Task) { t.Kind, t.Steps, t.Storage.Path = drivers.KindDeleteArtifacts, nil, "./" },
		"NUL in a command":          func(t *drivers.Task) { t.Steps[0].Commands = []string{"echo a\x00b"} },
		"variable with =":           func(t *drivers.Task) { t.Env = append(t.Env, corev1.EnvVar{Name: "A=B"}) },
		"step variable without name": func(t *drivers.Task) {
			t.Steps[0].Env = []corev1.EnvVar{{Value: "x"}}
		},
		"empty envFrom source": func(t *drivers.Task) { t.EnvFrom = []corev1.EnvFromSource{{Prefix: "X_"}} },
	} {
		t.Run(name, func(t *testing.T) {
			task := validBackup()
			mutate(task)
			err := drivers.ValidateTask(task)
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
		})
	}
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(drivers.ValidateTask(nil)))
}

func TestValidateCommandsWantsCommandsWhereTheWorkIsCommands(t *testing.T) {
	task := validBackup()
	require.NoError(t, drivers.ValidateCommands(task))
	task.Steps = []drivers.Step{{Name: "empty"}}
	require.NoError(t, drivers.ValidateTask(task), "a plugin may do the work itself")
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(drivers.ValidateCommands(task)))
	task.Kind = drivers.KindDeleteArtifacts
	assert.NoError(t, drivers.ValidateCommands(task), "a deletion has no commands")
	task.Kind, task.BackupType = drivers.KindBackup, v1alpha1.BackupTypeSnapshot
	assert.NoError(t, drivers.ValidateCommands(task), "a snapshot has no commands")
}
