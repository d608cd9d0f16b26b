package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// restoreInputs restores the chain, whose last backup the RestoreJob names,
// with the tool by the local driver.
func (f fixture) restoreInputs(chain ...*v1alpha1.Backup) policy.RestoreInputs {
	f.restore.Spec.BackupJobName = chain[len(chain)-1].Name
	return policy.RestoreInputs{RestoreJob: f.restore, Chain: chain, Tool: f.tool, Driver: "local",
		Target: target(), Deadline: deadline, Policies: map[string]*v1alpha1.BackupPolicy{policyName: f.policy}}
}

// stepEnv is the environment of one step of a chain restore.
func stepEnv(name string) []corev1.EnvVar {
	return []corev1.EnvVar{{Name: "BACKUP_NAME", Value: name}, {Name: "BACKUP_DIR", Value: "/backupdata/demo/" + name}}
}

func TestResolveRestoreFullBackup(t *testing.T) {
	f := load(t)
	in := f.restoreInputs(completed(baseName, ""))

	plan, err := policy.ResolveRestore(in)

	require.NoError(t, err)
	require.NotNil(t, plan.Physical)
	require.NotNil(t, plan.Logical)
	for _, c := range []struct {
		pt    *policy.PlannedTask
		step  string
		tools v1alpha1.BackupToolRestoreCommand
	}{{plan.Physical, "phy", f.tool.Spec.Physical}, {plan.Logical, "logic", *f.tool.Spec.Logical}} {
		task := c.pt.Task
		assert.Equal(t, "local", c.pt.Driver, "the driver that made the backup")
		assert.Equal(t, policy.TaskID("pg-restore", "restore-uid", 0, c.step), task.ID)
		assert.Equal(t, drivers.KindRestore, task.Kind)
		assert.Equal(t, v1alpha1.BackupTypeDataFile, task.BackupType)
		assert.Equal(t, drivers.ObjectRef{Kind: "RestoreJob", Namespace: ns, Name: "pg-restore", UID: "restore-uid"}, task.Owner)
		assert.Equal(t, map[string]string{v1alpha1.LabelRestoreJobName: "pg-restore"}, task.Labels)
		assert.Equal(t, "postgres:16", task.Image)
		assert.Equal(t, f.tool.Spec.Resources, task.Resources)
		assert.Equal(t, f.tool.Spec.EnvFrom, task.EnvFrom)
		assert.Equal(t, f.restore.Spec.TargetVolumes, task.Volumes, "targetVolumes are mounted")
		assert.Equal(t, f.restore.Spec.TargetVolumeMounts, task.VolumeMounts, "at targetVolumeMounts")
		assert.Equal(t, &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/" + baseName}, task.Storage,
			"the backup's claim, never created")
		assert.Equal(t, []drivers.Step{{Name: baseName, Commands: c.tools.RestoreCommands, Env: stepEnv(baseName)}}, task.Steps)
		assert.Equal(t, []string{"DB_HOST", "DB_USER", "DB_PASSWORD", "BACKUP_NAME", "BACKUP_DIR", "PGDATA", "PGPORT", "DATA_DIR"},
			envNames(task.Env))
		assert.Equal(t, secretRef("DB_USER", "pg-secret", "username"), task.Env[1], "the RestoreJob's secret")
		assert.Equal(t, "/backupdata/demo/"+baseName+"/data", envValue(t, task.Env, "DATA_DIR"))
		assert.Equal(t, deadline, task.Deadline)
	}
}

func TestResolveRestoreReplaysTheChain(t *testing.T) {
	f := load(t)
	in := f.restoreInputs(completed(baseName, ""), completed(incrName, baseName), completed("pg-incr-2", incrName))

	plan, err := policy.ResolveRestore(in)

	require.NoError(t, err)
	phy := f.tool.Spec.Physical
	assert.Equal(t, []drivers.Step{
		{Name: baseName, Commands: phy.RestoreCommands, Env: stepEnv(baseName)},
		{Name: incrName, Commands: phy.IncrementalRestoreCommands, Env: stepEnv(incrName)},
		{Name: "pg-incr-2", Commands: phy.IncrementalRestoreCommands, Env: stepEnv("pg-incr-2")},
	}, plan.Physical.Task.Steps, "restoreCommands for the full backup, then incrementalRestoreCommands for each incremental")
	logic := f.tool.Spec.Logical
	assert.Equal(t, logic.IncrementalRestoreCommands, plan.Logical.Task.Steps[2].Commands)
	assert.Equal(t, "demo/pg-incr-2", plan.Physical.Task.Storage.Path, "the restored backup's directory")
	assert.Equal(t, "pg-incr-2", envValue(t, plan.Physical.Task.Env, "BACKUP_NAME"))
}

func TestResolveRestorePhysicalAndLogical(t *testing.T) {
	tests := []struct {
		name        string
		physical    v1alpha1.BackupToolRestoreCommand
		logical     *v1alpha1.BackupToolRestoreCommand
		wantPhy     bool
		wantLogical bool
	}{
		{
			name:     "physical restoreCommands only: the database is restored stopped",
			physical: v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"tar x"}},
			wantPhy:  true,
		},
		{
			name:        "logical restoreCommands only: the database is restored running",
			logical:     &v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"psql -f dump.sql"}},
			wantLogical: true,
		},
		{
			name:        "both: physical, then logical",
			physical:    v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"tar x"}},
			logical:     &v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"psql -f dump.sql"}},
			wantPhy:     true,
			wantLogical: true,
		},
		{
			name:        "an empty logical section is no logical restore",
			physical:    v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"tar x"}},
			logical:     &v1alpha1.BackupToolRestoreCommand{},
			wantPhy:     true,
			wantLogical: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			f.tool.Spec.Physical, f.tool.Spec.Logical = tt.physical, tt.logical

			plan, err := policy.ResolveRestore(f.restoreInputs(completed(baseName, "")))

			require.NoError(t, err)
			assert.Equal(t, tt.wantPhy, plan.Physical != nil)
			assert.Equal(t, tt.wantLogical, plan.Logical != nil)
			if tt.wantPhy {
				assert.Equal(t, tt.physical.RestoreCommands, plan.Physical.Task.Steps[0].Commands)
			}
			if tt.wantLogical {
				assert.Equal(t, tt.logical.RestoreCommands, plan.Logical.Task.Steps[0].Commands)
			}
		})
	}
}

func TestResolveRestoreSnapshot(t *testing.T) {
	tests := []struct {
		name     string
		recorded string
		want     string
	}{
		{name: "restores from the VolumeSnapshot its driver reported", recorded: "snap-1-data", want: "snap-1-data"},
		{name: "restores from the VolumeSnapshot named after the backup when none is recorded", want: "snap-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			b := backup("snap-1", v1alpha1.BackupTypeSnapshot)
			b.Status.Phase = v1alpha1.BackupCompleted
			if tt.recorded != "" {
				b.Status.Manifests = &v1alpha1.ManifestsStatus{BackupSnapshot: &v1alpha1.BackupSnapshotStatus{VolumeSnapshotName: tt.recorded}}
			}
			in := f.restoreInputs(b)
			in.Tool, in.Driver = nil, drivers.NameSnapshot

			plan, err := policy.ResolveRestore(in)

			require.NoError(t, err)
			assert.Nil(t, plan.Logical)
			require.NotNil(t, plan.Physical)
			assert.Equal(t, drivers.NameSnapshot, plan.Physical.Driver)
			task := plan.Physical.Task
			assert.Equal(t, drivers.KindRestore, task.Kind)
			assert.Equal(t, v1alpha1.BackupTypeSnapshot, task.BackupType)
			assert.Equal(t, &drivers.SnapshotSpec{Name: tt.want, Claims: []string{"data-pg-restored-0"}}, task.Snapshot,
				"the claims of the RestoreJob's targetVolumes")
			assert.Equal(t, f.restore.Spec.TargetVolumeMounts, task.VolumeMounts)
			assert.Nil(t, task.Storage)
		})
	}
}

func TestResolveRestoreSecretKeysDefaultWhenNotSet(t *testing.T) {
	f := load(t)
	f.restore.Spec.Target.Secret = &v1alpha1.BackupPolicySecret{Name: "restored-secret"}

	plan, err := policy.ResolveRestore(f.restoreInputs(completed(baseName, "")))

	require.NoError(t, err)
	env := plan.Physical.Task.Env
	assert.Equal(t, secretRef("DB_USER", "restored-secret", "username"), envVar(t, env, "DB_USER"))
	assert.Equal(t, secretRef("DB_PASSWORD", "restored-secret", "password"), envVar(t, env, "DB_PASSWORD"))
}

func TestResolveRestoreErrors(t *testing.T) {
	tests := []struct {
		name  string
		chain func() []*v1alpha1.Backup
		edit  func(in *policy.RestoreInputs)
		want  string
	}{
		{
			name:  "no backup to restore",
			chain: func() []*v1alpha1.Backup { return nil },
			want:  `backup "pg-policy-datafile-20261125013000" not found`,
		},
		{
			name:  "a chain that does not end at the RestoreJob's backup",
			chain: func() []*v1alpha1.Backup { return []*v1alpha1.Backup{completed(baseName, "")} },
			want:  `backup chain ends at "pg-policy-datafile-20261124013000", not at "pg-policy-datafile-20261125013000"`,
		},
		{
			name: "a backup of the chain that is not Completed",
			chain: func() []*v1alpha1.Backup {
				base := completed(baseName, "")
				base.Status.Phase = v1alpha1.BackupFailed
				return []*v1alpha1.Backup{base, completed(incrName, baseName)}
			},
			want: `backup "pg-policy-datafile-20261124013000" is Failed, not Completed`,
		},
		{
			name:  "an incremental backup without its parent",
			chain: func() []*v1alpha1.Backup { return []*v1alpha1.Backup{completed(incrName, baseName)} },
			want:  `backup "pg-policy-datafile-20261125013000" needs its parent "pg-policy-datafile-20261124013000", which is missing`,
		},
		{
			name: "a backup that is not the parent of the next",
			chain: func() []*v1alpha1.Backup {
				return []*v1alpha1.Backup{completed("other-base", ""), completed(incrName, baseName)}
			},
			want: `backup "other-base" is not the parent of "pg-policy-datafile-20261125013000"`,
		},
		{
			name: "a chain and a tool without incrementalRestoreCommands",
			edit: func(in *policy.RestoreInputs) { in.Tool.Spec.Physical.IncrementalRestoreCommands = nil },
			want: `BackupTool "pg-basebackup" has no incrementalRestoreCommands to restore "pg-policy-datafile-20261125013000"`,
		},
		{
			name: "a tool without any restoreCommands",
			edit: func(in *policy.RestoreInputs) {
				in.Tool.Spec.Physical, in.Tool.Spec.Logical = v1alpha1.BackupToolRestoreCommand{}, nil
			},
			want: `BackupTool "pg-basebackup" has no restoreCommands`,
		},
		{
			name: "a tool that does not exist",
			edit: func(in *policy.RestoreInputs) { in.Tool = nil },
			want: `BackupTool "pg-basebackup" of backup "pg-policy-datafile-20261125013000" not found`,
		},
		{
			name: "a backup of the chain whose policy is gone and that recorded no directory",
			edit: func(in *policy.RestoreInputs) { in.Policies, in.Chain[0].Status.Manifests = nil, nil },
			want: `backup "pg-policy-datafile-20261124013000" has no location: its policy "pg-policy" is gone and it recorded none`,
		},
		{
			name: "a backup whose policy is gone and whose recorded directory is outside the claim's mount",
			edit: func(in *policy.RestoreInputs) {
				in.Policies, in.Chain[1].Status.Manifests.BackupTool.FilePath = nil, "/backup/"+incrName
			},
			want: `backup directory "/backup/pg-policy-datafile-20261125013000" is not under /backupdata`,
		},
		{
			name: "a backup whose policy is gone and whose recorded directory is not its own",
			edit: func(in *policy.RestoreInputs) {
				in.Policies, in.Chain[1].Status.Manifests.BackupTool.FilePath = nil, "/backupdata/demo"
			},
			want: `backup directory "/backupdata/demo" is not a directory of backup demo/pg-policy-datafile-20261125013000`,
		},
		{
			name: "a backup of the chain in another claim",
			edit: func(in *policy.RestoreInputs) {
				in.Policies, in.Chain[0].Status.PersistentVolumeClaimName = nil, "old-claim"
			},
			want: `backup "pg-policy-datafile-20261125013000" is in claim "backup-data", not in claim "old-claim" of "pg-policy-datafile-20261124013000"`,
		},
		{
			name: "a backup whose policy is gone and that recorded no claim",
			edit: func(in *policy.RestoreInputs) {
				in.Policies = nil
				for _, b := range in.Chain {
					b.Status.PersistentVolumeClaimName = ""
				}
			},
			want: `backup "pg-policy-datafile-20261124013000" has no location`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := load(t)
			chain := []*v1alpha1.Backup{completed(baseName, ""), completed(incrName, baseName)}
			if tt.chain != nil {
				chain = tt.chain()
			}
			f.restore.Spec.BackupJobName = incrName
			in := policy.RestoreInputs{RestoreJob: f.restore, Chain: chain, Tool: f.tool, Driver: "local", Target: target(),
				Policies: map[string]*v1alpha1.BackupPolicy{policyName: f.policy}}
			if tt.edit != nil {
				tt.edit(&in)
			}

			plan, err := policy.ResolveRestore(in)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, plan)
		})
	}
}
