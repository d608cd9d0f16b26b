package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestResolveBackupDatafileRunsTheToolInOneTask(t *testing.T) {
	f := load(t)
	b := backup(incrName, v1alpha1.BackupTypeDataFile)

	plan, err := policy.ResolveBackup(f.backupInputs(b))

	require.NoError(t, err)
	dir := "/backupdata/demo/" + incrName
	assert.Equal(t, "local", plan.Driver, "the tool's driver annotation")
	assert.Equal(t, toolName, plan.ToolName)
	assert.Equal(t, dir, plan.BackupDir)
	assert.Empty(t, plan.ParentName)
	require.Len(t, plan.Tasks, 2, "the main task and the datafile policy's post status update")
	assert.Equal(t, 0, plan.Main)

	main := plan.Tasks[plan.Main]
	assert.Equal(t, "local", main.Driver)
	assert.Empty(t, main.StatusPath)
	task := main.Task
	assert.Equal(t, policy.TaskID(incrName, b.UID, 0, "main"), task.ID)
	assert.Equal(t, drivers.KindBackup, task.Kind)
	assert.Equal(t, v1alpha1.BackupTypeDataFile, task.BackupType)
	assert.Equal(t, drivers.ObjectRef{Kind: "Backup", Namespace: ns, Name: incrName, UID: b.UID}, task.Owner)
	assert.Equal(t, map[string]string{v1alpha1.LabelBackupName: incrName, v1alpha1.LabelBackupType: "datafile"}, task.Labels)
	assert.Equal(t, "postgres:16", task.Image, "BackupToolSpec.image")
	assert.Equal(t, []drivers.Step{{Name: "backup", Commands: f.tool.Spec.BackupCommands}}, task.Steps,
		"every backupCommand, in order, in one step")
	assert.Equal(t, f.tool.Spec.Resources, task.Resources, "BackupToolSpec.resources")
	assert.Equal(t, f.tool.Spec.EnvFrom, task.EnvFrom, "BackupToolSpec.envFrom")
	assert.Equal(t, target(), task.Target)
	assert.Empty(t, task.Container)
	assert.Equal(t, deadline, task.Deadline)
	assert.Nil(t, task.Snapshot)
	assert.Equal(t, plan.Storage, task.Storage)
	assert.Equal(t, &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/" + incrName,
		Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("20Gi"), StorageClassName: ref("standard"),
			GenerateName: "backup-data-demo"}}, task.Storage)
}

func TestResolveBackupEnvironmentOrder(t *testing.T) {
	f := load(t)
	b := backup(incrName, v1alpha1.BackupTypeDataFile)

	plan, err := policy.ResolveBackup(f.backupInputs(b))

	require.NoError(t, err)
	env := plan.Tasks[plan.Main].Task.Env
	assert.Equal(t, []string{"DB_HOST", "DB_USER", "DB_PASSWORD", "BACKUP_NAME", "BACKUP_DIR",
		"PGDATA", "PGPORT", "DATA_DIR"}, envNames(env), "engine variables, the target's, then the tool's")
	assert.Equal(t, "pg-0.pg-headless", envValue(t, env, "DB_HOST"))
	assert.Equal(t, secretRef("DB_USER", "pg-secret", "username"), env[1])
	assert.Equal(t, secretRef("DB_PASSWORD", "pg-secret", "password"), env[2])
	assert.Equal(t, incrName, envValue(t, env, "BACKUP_NAME"))
	assert.Equal(t, "/backupdata/demo/"+incrName, envValue(t, env, "BACKUP_DIR"))
	assert.Equal(t, "/var/lib/postgresql/data", envValue(t, env, "PGDATA"))
	assert.Equal(t, "5432", envValue(t, env, "PGPORT"))
	assert.Equal(t, "/backupdata/demo/"+incrName+"/data", envValue(t, env, "DATA_DIR"), "$(BACKUP_DIR) expanded")
}

func TestResolveBackupSecretIsReferencedByItsKeys(t *testing.T) {
	tests := []struct {
		name   string
		secret *v1alpha1.BackupPolicySecret
		want   []corev1.EnvVar
	}{
		{
			name:   "usernameKey and passwordKey select the secret's keys",
			secret: &v1alpha1.BackupPolicySecret{Name: "admin", UsernameKey: "login", PasswordKey: "pw"},
			want:   []corev1.EnvVar{secretRef("DB_USER", "admin", "login"), secretRef("DB_PASSWORD", "admin", "pw")},
		},
		{
			name:   "keys left empty are the API's defaults",
			secret: &v1alpha1.BackupPolicySecret{Name: "admin"},
			want:   []corev1.EnvVar{secretRef("DB_USER", "admin", "username"), secretRef("DB_PASSWORD", "admin", "password")},
		},
		{
			name: "no secret: no DB_USER and DB_PASSWORD",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			f.policy.Spec.Datafile.Target.Secret = tt.secret

			plan, err := policy.ResolveBackup(f.backupInputs(backup(incrName, v1alpha1.BackupTypeDataFile)))

			require.NoError(t, err)
			for _, task := range plan.Tasks {
				env := task.Task.Env
				var got []corev1.EnvVar
				for _, v := range env {
					if v.Name == "DB_USER" || v.Name == "DB_PASSWORD" {
						got = append(got, v)
					}
				}
				assert.Equal(t, tt.want, got, "task %s", task.Task.ID)
				for _, v := range env {
					if v.ValueFrom == nil {
						assert.NotContains(t, []string{"DB_USER", "DB_PASSWORD"}, v.Name, "never a secret value")
					}
				}
			}
		})
	}
}

func TestResolveBackupExpandsToolEnv(t *testing.T) {
	fieldRef := &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}
	tests := []struct {
		name string
		env  []corev1.EnvVar
		want map[string]string
	}{
		{
			name: "a reference to an engine variable expands",
			env:  []corev1.EnvVar{{Name: "OUT", Value: "$(BACKUP_DIR)/$(BACKUP_NAME).tar"}},
			want: map[string]string{"OUT": "/backupdata/demo/b1/b1.tar"},
		},
		{
			name: "a reference to the target's variable expands",
			env:  []corev1.EnvVar{{Name: "CONF", Value: "$(PGDATA)/postgresql.conf"}},
			want: map[string]string{"CONF": "/var/lib/postgresql/data/postgresql.conf"},
		},
		{
			name: "a reference to an earlier tool variable expands",
			env:  []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "$(A)2"}},
			want: map[string]string{"A": "1", "B": "12"},
		},
		{
			name: "a reference to a later variable stays as written",
			env:  []corev1.EnvVar{{Name: "A", Value: "$(B)"}, {Name: "B", Value: "1"}},
			want: map[string]string{"A": "$(B)", "B": "1"},
		},
		{
			name: "a redefined variable expands to its latest value",
			env:  []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "A", Value: "2"}, {Name: "B", Value: "$(A)"}},
			want: map[string]string{"B": "2"},
		},
		{
			name: "$$ escapes a reference",
			env:  []corev1.EnvVar{{Name: "LITERAL", Value: "$$(BACKUP_NAME) costs $$5"}},
			want: map[string]string{"LITERAL": "$(BACKUP_NAME) costs $5"},
		},
		{
			name: "an unknown reference stays as written",
			env:  []corev1.EnvVar{{Name: "X", Value: "$(NOPE)-$(BACKUP_NAME"}},
			want: map[string]string{"X": "$(NOPE)-$(BACKUP_NAME"},
		},
		{
			name: "a reference to a secret variable stays as written: its value is not known",
			env:  []corev1.EnvVar{{Name: "URL", Value: "postgres://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST)"}},
			want: map[string]string{"URL": "postgres://$(DB_USER):$(DB_PASSWORD)@pg-0.pg-headless"},
		},
		{
			name: "a variable from a source is passed through and references to it stay as written",
			env:  []corev1.EnvVar{{Name: "IP", ValueFrom: fieldRef}, {Name: "ADDR", Value: "$(IP):5432"}},
			want: map[string]string{"ADDR": "$(IP):5432"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			f.tool.Spec.Env = tt.env
			plan, err := policy.ResolveBackup(f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile)))
			require.NoError(t, err)
			env := plan.Tasks[plan.Main].Task.Env

			require.Equal(t, []string{"DB_HOST", "DB_USER", "DB_PASSWORD", "BACKUP_NAME", "BACKUP_DIR", "PGDATA"},
				envNames(env)[:6])
			require.Equal(t, envNames(tt.env), envNames(env)[6:], "the tool's env follows, in its order")
			for name, want := range tt.want {
				var last corev1.EnvVar
				for _, v := range env[6:] {
					if v.Name == name {
						last = v
					}
				}
				// What a command sees after the driver's one final expansion
				// (here with no secret values known, so those stay as written).
				final := envvar.Expand(last.Value, func(string) (string, bool) { return "", false })
				assert.Equal(t, want, final, name)
			}
			for i, v := range tt.env {
				if v.ValueFrom != nil {
					assert.Equal(t, v, env[6+i], "passed through as it is")
				}
			}
		})
	}
}

func TestResolveBackupCopiesToolObjects(t *testing.T) {
	f := load(t)
	plan, err := policy.ResolveBackup(f.backupInputs(backup(incrName, v1alpha1.BackupTypeDataFile)))
	require.NoError(t, err)
	task := plan.Tasks[plan.Main].Task
	wantResources, wantEnvFrom := f.tool.Spec.Resources.DeepCopy(), f.tool.Spec.EnvFrom[0].DeepCopy()

	f.tool.Spec.Resources.Limits[corev1.ResourceCPU] = resource.MustParse("64")
	f.tool.Spec.EnvFrom[0].Prefix = "CHANGED_"

	assert.Equal(t, wantResources, task.Resources, "a task is immutable: resources are copied")
	assert.Equal(t, *wantEnvFrom, task.EnvFrom[0], "envFrom is copied")
}

func TestResolveBackupChoosesTheDriver(t *testing.T) {
	tests := []struct {
		name       string
		backupType v1alpha1.BackupType
		tool       func(tool *v1alpha1.BackupTool)
		want       string
	}{
		{
			name:       "the tool's driver annotation names the driver",
			backupType: v1alpha1.BackupTypeDataFile,
			want:       "local",
		},
		{
			name:       "deployKind job without an annotation runs on the job driver",
			backupType: v1alpha1.BackupTypeDataFile,
			tool:       func(tool *v1alpha1.BackupTool) { tool.Annotations = nil },
			want:       drivers.NameJob,
		},
		{
			name:       "deployKind daemon without an annotation runs on the daemon driver",
			backupType: v1alpha1.BackupTypeDataFile,
			tool: func(tool *v1alpha1.BackupTool) {
				tool.Annotations, tool.Spec.DeployKind = nil, v1alpha1.DeployKindDaemon
			},
			want: drivers.NameDaemon,
		},
		{
			name:       "the annotation wins over deployKind daemon",
			backupType: v1alpha1.BackupTypeDataFile,
			tool:       func(tool *v1alpha1.BackupTool) { tool.Spec.DeployKind = v1alpha1.DeployKindDaemon },
			want:       "local",
		},
		{
			name:       "the logfile policy's tool is a daemon",
			backupType: v1alpha1.BackupTypeLogFile,
			want:       drivers.NameDaemon,
		},
		{
			name:       "snapshots run on the snapshot driver",
			backupType: v1alpha1.BackupTypeSnapshot,
			want:       drivers.NameSnapshot,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			if tt.tool != nil {
				tt.tool(f.tool)
			}

			plan, err := policy.ResolveBackup(f.backupInputs(backup("b1", tt.backupType)))

			require.NoError(t, err)
			assert.Equal(t, tt.want, plan.Driver)
			for _, task := range plan.Tasks {
				if task.Task.Kind != drivers.KindHook {
					assert.Equal(t, tt.want, task.Driver, "every tool task runs on the main task's driver")
				}
			}
		})
	}
}

func TestResolveBackupToolTypeDoesNotChangeThePlan(t *testing.T) {
	f := load(t)
	b := backup(incrName, v1alpha1.BackupTypeDataFile)
	file, err := policy.ResolveBackup(f.backupInputs(b))
	require.NoError(t, err)

	f.tool.Spec.Type = v1alpha1.ToolTypePITR
	pitr, err := policy.ResolveBackup(f.backupInputs(b))

	require.NoError(t, err)
	assert.Equal(t, file, pitr, "type only describes the tool; Validate checks its enum")
}

func TestResolveBackupStorage(t *testing.T) {
	tests := []struct {
		name       string
		backupType v1alpha1.BackupType
		policy     func(p *v1alpha1.BackupPolicy)
		want       *drivers.Storage
	}{
		{
			name:       "createPolicy IfNotPresent creates the claim with storageClassName and initCapacity",
			backupType: v1alpha1.BackupTypeDataFile,
			want: &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/b1",
				Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("20Gi"), StorageClassName: ref("standard"),
					GenerateName: "backup-data-demo"}},
		},
		{
			name:       "initCapacity not set is 100Gi and no storageClassName is the cluster's default class",
			backupType: v1alpha1.BackupTypeDataFile,
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Datafile.PersistentVolumeClaim.InitCapacity = nil
				p.Spec.Datafile.PersistentVolumeClaim.StorageClassName = nil
			},
			want: &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/b1",
				Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("100Gi"), GenerateName: "backup-data-demo"}},
		},
		{
			name:       "createPolicy Never requires the claim: nothing is created, the template is not used",
			backupType: v1alpha1.BackupTypeLogFile,
			want:       &drivers.Storage{ClaimName: "backup-logs", MountPath: "/backupdata", Path: "demo/b1"},
		},
		{
			name:       "persistentVolumeConfigMap is the PersistentVolume template of a created claim",
			backupType: v1alpha1.BackupTypeLogFile,
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Logfile.PersistentVolumeClaim.CreatePolicy = v1alpha1.CreatePVCPolicyIfNotPresent
			},
			want: &drivers.Storage{ClaimName: "backup-logs", MountPath: "/backupdata", Path: "demo/b1",
				Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("5Gi"),
					PersistentVolumeTemplate: &drivers.ConfigMapRef{Namespace: "kube-system", Name: "pv-template"},
					GenerateName:             "backup-logs-demo"}},
		},
		{
			name:       "storageClassName wins over persistentVolumeConfigMap, as upstream",
			backupType: v1alpha1.BackupTypeLogFile,
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Spec.Logfile.PersistentVolumeClaim.CreatePolicy = v1alpha1.CreatePVCPolicyIfNotPresent
				p.Spec.Logfile.PersistentVolumeClaim.StorageClassName = ref("fast")
			},
			want: &drivers.Storage{ClaimName: "backup-logs", MountPath: "/backupdata", Path: "demo/b1",
				Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("5Gi"), StorageClassName: ref("fast"),
					GenerateName: "backup-logs-demo"}},
		},
		{
			name:       "the path-prefix annotation puts the directory under the prefix, in the namespace",
			backupType: v1alpha1.BackupTypeDataFile,
			policy: func(p *v1alpha1.BackupPolicy) {
				p.Annotations = map[string]string{v1alpha1.AnnotationPathPrefix: "/pg-cluster-1234/postgresql/"}
				p.Spec.Datafile.PersistentVolumeClaim.CreatePolicy = v1alpha1.CreatePVCPolicyNever
			},
			want: &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/pg-cluster-1234/postgresql/b1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			if tt.policy != nil {
				tt.policy(f.policy)
			}

			plan, err := policy.ResolveBackup(f.backupInputs(backup("b1", tt.backupType)))

			require.NoError(t, err)
			assert.Equal(t, tt.want, plan.Storage)
			dir := "/backupdata/" + tt.want.Path
			assert.Equal(t, dir, plan.BackupDir)
			for _, task := range plan.Tasks {
				assert.Equal(t, tt.want, task.Task.Storage, "task %s", task.Task.ID)
				assert.Equal(t, dir, envValue(t, task.Task.Env, "BACKUP_DIR"), "task %s", task.Task.ID)
			}
		})
	}
}

func TestResolveBackupStatusUpdatesRunInTheirStage(t *testing.T) {
	f := load(t)
	f.policy.Spec.Datafile.BackupStatusUpdates = []v1alpha1.BackupStatusUpdate{
		{Path: "manifests.backupLog", ContainerName: "postgres", Script: "echo start", UpdateStage: v1alpha1.PreBackup},
		{Path: "manifests.backupTool", ContainerName: "metrics", Script: "cat manifest.json", UpdateStage: v1alpha1.PostBackup},
		{Script: "echo '{}'"},
		{Path: "manifests.userContext", Script: "echo ctx", UpdateStage: v1alpha1.PreBackup},
	}
	b := backup(incrName, v1alpha1.BackupTypeDataFile)

	plan, err := policy.ResolveBackup(f.backupInputs(b))

	require.NoError(t, err)
	type summary struct {
		ID, Container, Path string
		Kind                drivers.TaskKind
		Commands            []string
	}
	var got []summary
	for _, pt := range plan.Tasks {
		s := summary{ID: pt.Task.ID, Container: pt.Task.Container, Path: pt.StatusPath, Kind: pt.Task.Kind}
		for _, st := range pt.Task.Steps {
			s.Commands = append(s.Commands, st.Commands...)
		}
		got = append(got, s)
	}
	id := func(step string) string { return policy.TaskID(incrName, b.UID, 0, step) }
	assert.Equal(t, []summary{
		{ID: id("pre-0"), Container: "postgres", Path: "manifests.backupLog", Kind: drivers.KindStatusUpdate, Commands: []string{"echo start"}},
		{ID: id("pre-3"), Path: "manifests.userContext", Kind: drivers.KindStatusUpdate, Commands: []string{"echo ctx"}},
		{ID: id("main"), Kind: drivers.KindBackup, Commands: f.tool.Spec.BackupCommands},
		{ID: id("post-1"), Container: "metrics", Path: "manifests.backupTool", Kind: drivers.KindStatusUpdate, Commands: []string{"cat manifest.json"}},
		{ID: id("post-2"), Kind: drivers.KindStatusUpdate, Commands: []string{"echo '{}'"}},
	}, got, "pre updates, the main task, post updates; an update without a stage runs post")
	assert.Equal(t, 2, plan.Main)
	for _, pt := range plan.Tasks {
		assert.Equal(t, "local", pt.Driver)
		assert.Equal(t, plan.Storage, pt.Task.Storage)
		assert.Equal(t, target(), pt.Task.Target)
		assert.Equal(t, deadline, pt.Task.Deadline)
	}
}

func TestResolveBackupSnapshotWithHooks(t *testing.T) {
	f := load(t)
	b := backup("snap-1", v1alpha1.BackupTypeSnapshot)

	plan, err := policy.ResolveBackup(f.backupInputs(b))

	require.NoError(t, err)
	assert.Equal(t, drivers.NameSnapshot, plan.Driver)
	assert.Empty(t, plan.ToolName)
	assert.Nil(t, plan.Storage)
	assert.Empty(t, plan.BackupDir)
	require.Len(t, plan.Tasks, 4, "pre status update, pre hook, snapshot, post hook")
	assert.Equal(t, 2, plan.Main)

	update, pre, main, post := plan.Tasks[0], plan.Tasks[1], plan.Tasks[2], plan.Tasks[3]
	assert.Equal(t, drivers.KindStatusUpdate, update.Task.Kind)
	assert.Equal(t, "manifests.backupLog", update.StatusPath)
	assert.Equal(t, "postgres", update.Task.Container)

	hooks := f.policy.Spec.Snapshot.Hooks
	for _, h := range []struct {
		task     policy.PlannedTask
		step     string
		commands []string
	}{{pre, "hook-pre", hooks.PreCommands}, {post, "hook-post", hooks.PostCommands}} {
		assert.Equal(t, drivers.NameSnapshot, h.task.Driver)
		assert.Equal(t, drivers.KindHook, h.task.Task.Kind)
		assert.Equal(t, policy.TaskID("snap-1", b.UID, 0, h.step), h.task.Task.ID)
		assert.Equal(t, "postgres:16", h.task.Task.Image, "hooks.image")
		assert.Equal(t, "postgres", h.task.Task.Container, "hooks.containerName")
		require.Len(t, h.task.Task.Steps, 1)
		assert.Equal(t, h.commands, h.task.Task.Steps[0].Commands)
		assert.Equal(t, secretRef("DB_USER", "pg-secret", "user"), envVar(t, h.task.Task.Env, "DB_USER"),
			"the snapshot policy's secret keys")
		assert.Equal(t, secretRef("DB_PASSWORD", "pg-secret", "pass"), envVar(t, h.task.Task.Env, "DB_PASSWORD"))
	}

	assert.Equal(t, drivers.NameSnapshot, main.Driver)
	assert.Equal(t, drivers.KindBackup, main.Task.Kind)
	assert.Equal(t, v1alpha1.BackupTypeSnapshot, main.Task.BackupType)
	assert.Equal(t, &drivers.SnapshotSpec{Name: "snap-1", Claims: []string{"data-pg-0", "log-pg-0"}}, main.Task.Snapshot,
		"a VolumeSnapshot named after the backup, of every claim of the target")
	assert.Nil(t, main.Task.Storage)
	assert.Empty(t, main.Task.Steps)
}

func TestResolveBackupSnapshotHooks(t *testing.T) {
	tests := []struct {
		name  string
		hooks *v1alpha1.BackupPolicyHook
		want  []drivers.TaskKind
	}{
		{
			name:  "no hooks: only the snapshot",
			hooks: nil,
			want:  []drivers.TaskKind{drivers.KindBackup},
		},
		{
			name:  "preCommands only: a hook before the snapshot",
			hooks: &v1alpha1.BackupPolicyHook{PreCommands: []string{"sync"}},
			want:  []drivers.TaskKind{drivers.KindHook, drivers.KindBackup},
		},
		{
			name:  "postCommands only: a hook after the snapshot",
			hooks: &v1alpha1.BackupPolicyHook{PostCommands: []string{"echo done"}},
			want:  []drivers.TaskKind{drivers.KindBackup, drivers.KindHook},
		},
		{
			name:  "hooks without image or containerName run in the target's first container",
			hooks: &v1alpha1.BackupPolicyHook{PreCommands: []string{"a", "b"}, PostCommands: []string{"c"}},
			want:  []drivers.TaskKind{drivers.KindHook, drivers.KindBackup, drivers.KindHook},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			f.policy.Spec.Snapshot.Hooks = tt.hooks
			f.policy.Spec.Snapshot.BackupStatusUpdates = nil

			plan, err := policy.ResolveBackup(f.backupInputs(backup("snap-1", v1alpha1.BackupTypeSnapshot)))

			require.NoError(t, err)
			var kinds []drivers.TaskKind
			for _, pt := range plan.Tasks {
				kinds = append(kinds, pt.Task.Kind)
				if pt.Task.Kind == drivers.KindHook {
					assert.Empty(t, pt.Task.Image)
					assert.Empty(t, pt.Task.Container)
				}
			}
			assert.Equal(t, tt.want, kinds)
			assert.Equal(t, drivers.KindBackup, plan.Tasks[plan.Main].Task.Kind)
		})
	}
}

func TestResolveBackupHooksAreForSnapshotsOnly(t *testing.T) {
	f := load(t)
	f.policy.Spec.Datafile.BackupStatusUpdates = nil

	plan, err := policy.ResolveBackup(f.backupInputs(backup("b1", v1alpha1.BackupTypeDataFile)))

	require.NoError(t, err)
	require.Len(t, plan.Tasks, 1, "the snapshot policy's hooks do not run around datafile backups")
}

func TestResolveBackupIncremental(t *testing.T) {
	f := load(t)
	b := backup(incrName, v1alpha1.BackupTypeDataFile)
	b.Spec.ParentBackupName = baseName
	in := f.backupInputs(b)
	in.Parent = completed(baseName, "")

	plan, err := policy.ResolveBackup(in)

	require.NoError(t, err)
	assert.Equal(t, baseName, plan.ParentName)
	task := plan.Tasks[plan.Main].Task
	assert.Equal(t, []drivers.Step{{Name: "backup", Commands: f.tool.Spec.IncrementalBackupCommands}}, task.Steps,
		"incrementalBackupCommands instead of backupCommands")
	assert.Equal(t, []string{"DB_HOST", "DB_USER", "DB_PASSWORD", "BACKUP_NAME", "BACKUP_DIR", "PGDATA",
		"PARENT_BACKUP_NAME", "PARENT_BACKUP_DIR", "PARENT_CHECKPOINT", "PGPORT", "DATA_DIR"}, envNames(task.Env))
	assert.Equal(t, baseName, envValue(t, task.Env, "PARENT_BACKUP_NAME"))
	assert.Equal(t, "/backupdata/demo/"+baseName, envValue(t, task.Env, "PARENT_BACKUP_DIR"))
	assert.Equal(t, "0/3000028", envValue(t, task.Env, "PARENT_CHECKPOINT"))
	assert.Equal(t, "/backupdata/demo/"+incrName, envValue(t, task.Env, "BACKUP_DIR"), "its own directory")
}

func TestResolveBackupErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(f fixture, in *policy.BackupInputs)
		want string
	}{
		{
			name: "a backup type the policy has no section for",
			edit: func(f fixture, in *policy.BackupInputs) { f.policy.Spec.Datafile = nil },
			want: `BackupPolicy "pg-policy" has no datafile policy`,
		},
		{
			name: "a tool that does not exist",
			edit: func(f fixture, in *policy.BackupInputs) { in.Tool = nil },
			want: `BackupTool "pg-basebackup" not found`,
		},
		{
			name: "a path-prefix annotation that leaves the claim",
			edit: func(f fixture, in *policy.BackupInputs) {
				f.policy.Annotations = map[string]string{v1alpha1.AnnotationPathPrefix: "team/../../etc"}
			},
			want: `must be a path without ".."`,
		},
		{
			name: "an incremental backup whose parent does not exist",
			edit: func(f fixture, in *policy.BackupInputs) { in.Parent = nil },
			want: `parent backup "pg-policy-datafile-20261124013000" not found`,
		},
		{
			name: "an incremental backup whose parent is not Completed",
			edit: func(f fixture, in *policy.BackupInputs) { in.Parent.Status.Phase = v1alpha1.BackupInProgress },
			want: `parent backup "pg-policy-datafile-20261124013000" is InProgress, not Completed`,
		},
		{
			name: "an incremental backup whose parent never started",
			edit: func(f fixture, in *policy.BackupInputs) { in.Parent.Status = v1alpha1.BackupStatus{} },
			want: `parent backup "pg-policy-datafile-20261124013000" is New, not Completed`,
		},
		{
			name: "an incremental backup whose parent is of another policy",
			edit: func(f fixture, in *policy.BackupInputs) { in.Parent.Spec.BackupPolicyName = "other" },
			want: `parent backup "pg-policy-datafile-20261124013000" is not a datafile backup of policy "pg-policy"`,
		},
		{
			name: "an incremental backup whose parent is of another type",
			edit: func(f fixture, in *policy.BackupInputs) { in.Parent.Spec.BackupType = v1alpha1.BackupTypeLogFile },
			want: `is not a datafile backup of policy "pg-policy"`,
		},
		{
			name: "an incremental backup with a tool that has no incrementalBackupCommands",
			edit: func(f fixture, in *policy.BackupInputs) { in.Tool.Spec.IncrementalBackupCommands = nil },
			want: `BackupTool "pg-basebackup" has no incrementalBackupCommands for the incremental backup`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			b := backup(incrName, v1alpha1.BackupTypeDataFile)
			b.Spec.ParentBackupName = baseName
			in := f.backupInputs(b)
			in.Parent = completed(baseName, "")
			tt.edit(f, &in)

			plan, err := policy.ResolveBackup(in)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, plan)
		})
	}
}

func TestResolveBackupTaskIDsAreUniqueAndFollowTheAttempt(t *testing.T) {
	f := load(t)
	b := backup("snap-1", v1alpha1.BackupTypeSnapshot)
	in := f.backupInputs(b)
	first, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	in.Attempt = 1

	second, err := policy.ResolveBackup(in)

	require.NoError(t, err)
	seen := map[string]bool{}
	for i := range first.Tasks {
		a, b := first.Tasks[i].Task.ID, second.Tasks[i].Task.ID
		assert.NotEqual(t, a, b, "a retry gets new task IDs")
		assert.False(t, seen[a] || seen[b], "duplicate ID")
		seen[a], seen[b] = true, true
	}
}
