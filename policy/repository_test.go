package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const repoName = "offsite"

// offsite is the repository the fixtures' policy chooses, as the executor
// describes it for a backup.
func offsite() *drivers.Repository {
	return &drivers.Repository{Name: repoName, URL: "s3://backups/team?endpoint=s3.local:9000",
		Env:        []corev1.EnvVar{secretRef(drivers.EnvSecretAccessKey, "s3", "secret")},
		Recipients: []string{"age1example"}}
}

// inRepository records on b that its data is in the repository.
func inRepository(b *v1alpha1.Backup) *v1alpha1.Backup {
	b.Annotations[v1alpha1.AnnotationRepository] = repoName
	b.Status.PersistentVolumeClaimName = ""
	b.Status.Manifests.BackupTool.FilePath = policy.RepositoryKey(b)
	b.Status.Manifests.BackupTool.CheckSum = "sha256:" + strings.Repeat("ab", 32)
	return b
}

func TestValidateRepository(t *testing.T) {
	f := load(t)
	f.policy.Annotations = map[string]string{v1alpha1.AnnotationRepository: repoName}
	in := f.inputs()
	for name, c := range map[string]struct {
		mutate func(*policy.Inputs)
		reason []string
	}{
		"a registered repository": {func(*policy.Inputs) {}, nil},
		"an unknown repository": {func(in *policy.Inputs) { in.Repositories = []string{"s3-b", "s3-a"} },
			[]string{"metadata.annotations[dataprotection.kubeblocks.io/repository]", `"offsite"`, "registered: s3-a, s3-b"}},
		"no repository registered": {func(in *policy.Inputs) { in.Repositories = nil }, []string{"registered: none"}},
		"a driver without repositories": {func(in *policy.Inputs) {
			in.Drivers = allDrivers()
			in.Drivers["local"] = drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}
		}, []string{`the driver "local" for datafile backups, which does not run tasks with a repository`}},
	} {
		t.Run(name, func(t *testing.T) {
			in := in
			in.Repositories = []string{repoName}
			in.Drivers = repositoryDrivers()
			c.mutate(&in)
			v := policy.Validate(f.policy, in)
			if c.reason == nil {
				require.Equal(t, v1alpha1.PolicyAvailable, v.Phase, v.Reason)
				return
			}
			require.Equal(t, v1alpha1.PolicyFailed, v.Phase)
			for _, s := range c.reason {
				assert.Contains(t, v.Reason, s)
			}
		})
	}
}

// TestValidateDefaultRepository: a policy without the annotation uses the
// engine's default repository: a claimless datafile policy is then
// runnable (a repository needs no claim), and a driver without
// repositories fails the policy with a reason that names the default.
func TestValidateDefaultRepository(t *testing.T) {
	f := load(t)
	f.policy.Annotations = nil
	f.policy.Spec.Datafile.PersistentVolumeClaim.Name = "" // the v0.5 cluster controller's default
	in := f.inputs()
	in.Repositories, in.Drivers = []string{repoName}, repositoryDrivers()

	v := policy.Validate(f.policy, in)
	require.Equal(t, v1alpha1.PolicyAvailable, v.Phase)
	assert.Contains(t, v.Reason, "datafile backups cannot run", "no default repository, no default claim")

	in.DefaultRepository = repoName
	v = policy.Validate(f.policy, in)
	require.Equal(t, v1alpha1.PolicyAvailable, v.Phase, v.Reason)
	assert.Empty(t, v.Unavailable)
	assert.Empty(t, v.Reason)

	in.Drivers = allDrivers()
	in.Drivers["local"] = drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}
	v = policy.Validate(f.policy, in)
	require.Equal(t, v1alpha1.PolicyFailed, v.Phase)
	assert.Contains(t, v.Reason, `the engine's default repository "offsite"`)
	assert.Contains(t, v.Reason, "which does not run tasks with a repository")

	f.policy.Annotations = map[string]string{v1alpha1.AnnotationRepository: ""} // opts out of the default
	v = policy.Validate(f.policy, in)
	require.Equal(t, v1alpha1.PolicyAvailable, v.Phase, v.Reason)
	assert.Contains(t, v.Unavailable[v1alpha1.BackupTypeDataFile], "persistentVolumeClaim")
}

// repositoryDrivers are allDrivers, all able to run repository tasks.
func repositoryDrivers() policy.DriverCapabilities {
	out := policy.DriverCapabilities{}
	for name, c := range allDrivers() {
		c.Repositories = true
		out[name] = c
	}
	return out
}

func TestResolveBackupToARepositoryStagesTheData(t *testing.T) {
	f := load(t)
	b := backup(baseName, v1alpha1.BackupTypeDataFile)
	in := f.backupInputs(b)
	in.Repository = offsite()

	plan, err := policy.ResolveBackup(in)

	require.NoError(t, err)
	key := "demo/pg-policy/" + baseName
	assert.Equal(t, key, plan.RepositoryKey)
	assert.Equal(t, &drivers.Storage{MountPath: "/backupdata", Path: "demo/" + baseName}, plan.Storage, "a staging directory, no claim")
	task := plan.Tasks[plan.Main].Task
	require.NoError(t, drivers.ValidateTask(&task))
	assert.Equal(t, plan.Storage, task.Storage)
	assert.Equal(t, "/backupdata/demo/"+baseName, envValue(t, task.Env, "BACKUP_DIR"))
	want := offsite()
	want.Push = &drivers.Transfer{Key: key, Path: "demo/" + baseName}
	assert.Equal(t, want, task.Repository)
	for i, pt := range plan.Tasks {
		if i != plan.Main {
			assert.Nil(t, pt.Task.Storage, "task %s: only the main task stages data", pt.Task.ID)
			assert.Nil(t, pt.Task.Repository, "task %s", pt.Task.ID)
		}
	}
	in.Repository.Env[0].Name = "CHANGED"
	assert.Equal(t, drivers.EnvSecretAccessKey, task.Repository.Env[0].Name, "the task has a copy")
}

func TestResolveIncrementalBackupInARepository(t *testing.T) {
	f := load(t)
	b := backup(incrName, v1alpha1.BackupTypeDataFile)
	b.Spec.ParentBackupName = baseName
	in := f.backupInputs(b)
	in.Repository = offsite()
	in.Parent = inRepository(completed(baseName, ""))

	plan, err := policy.ResolveBackup(in)
	require.NoError(t, err)
	task := plan.Tasks[plan.Main].Task
	assert.Equal(t, "/backupdata/demo/"+baseName, envValue(t, task.Env, "PARENT_BACKUP_DIR"))
	assert.Empty(t, task.Repository.Pull, "the tool does not read PARENT_BACKUP_DIR: the parent is not downloaded")

	in.Tool = f.tool.DeepCopy()
	in.Tool.Spec.IncrementalBackupCommands = []string{`pg_basebackup --incremental="$(PARENT_BACKUP_DIR)/backup_manifest"`}
	plan, err = policy.ResolveBackup(in)
	require.NoError(t, err)
	task = plan.Tasks[plan.Main].Task
	assert.Equal(t, []drivers.Transfer{{Key: "demo/pg-policy/" + baseName, Path: "demo/" + baseName,
		ManifestSHA256: strings.Repeat("ab", 32)}}, task.Repository.Pull)
	require.NoError(t, drivers.ValidateTask(&task))

	in.Parent = completed(baseName, "")
	_, err = policy.ResolveBackup(in)
	require.ErrorContains(t, err, `parent backup "`+baseName+`" is not in repository "offsite" (it is in a claim)`)
}

func TestResolveRestoreOfAChainInARepository(t *testing.T) {
	f := load(t)
	in := f.restoreInputs(inRepository(completed(baseName, "")), inRepository(completed(incrName, baseName)))
	in.Repository = offsite()

	plan, err := policy.ResolveRestore(in)
	require.NoError(t, err)
	task := plan.Physical.Task
	require.NoError(t, drivers.ValidateTask(&task))
	assert.Equal(t, &drivers.Storage{MountPath: "/backupdata", Path: "demo/" + incrName}, task.Storage)
	sum := strings.Repeat("ab", 32)
	assert.Equal(t, []drivers.Transfer{{Key: "demo/pg-policy/" + baseName, Path: "demo/" + baseName, ManifestSHA256: sum},
		{Key: "demo/pg-policy/" + incrName, Path: "demo/" + incrName, ManifestSHA256: sum}}, task.Repository.Pull)
	require.Len(t, task.Steps, 2)
	assert.Equal(t, stepEnv(baseName), task.Steps[0].Env, "each step restores its own backup's directory")
	assert.Equal(t, stepEnv(incrName), task.Steps[1].Env)

	in.Chain[0] = completed(baseName, "")
	_, err = policy.ResolveRestore(in)
	require.ErrorContains(t, err, `backup "`+baseName+`" is not in repository "offsite" (it is in a claim)`)
}

func TestBackupRepositoryPrefersWhatWasRecorded(t *testing.T) {
	f := load(t)
	b := backup(baseName, v1alpha1.BackupTypeDataFile)
	assert.Empty(t, policy.BackupRepository(b, policy.RepositoryOf(f.policy, "")))
	f.policy.Annotations = map[string]string{v1alpha1.AnnotationRepository: "new"}
	assert.Equal(t, "new", policy.BackupRepository(b, policy.RepositoryOf(f.policy, "")))
	b.Annotations = map[string]string{v1alpha1.AnnotationRepository: "old"}
	assert.Equal(t, "old", policy.BackupRepository(b, policy.RepositoryOf(f.policy, "")), "where the data went")
	assert.Equal(t, "old", policy.BackupRepository(b, ""), "the policy is gone")
	b.Spec.BackupType = v1alpha1.BackupTypeSnapshot
	assert.Empty(t, policy.BackupRepository(b, policy.RepositoryOf(f.policy, "")), "snapshots are never in a repository")
	assert.Equal(t, "demo/pg-policy/"+baseName, policy.RepositoryKey(b))
}

// TestRepositoryOfTheAnnotationWinsOverTheDefault: the annotation chooses
// the repository; without it the engine's default does; an annotation with
// an empty value keeps the policy's backups in its claim despite a default.
func TestRepositoryOfTheAnnotationWinsOverTheDefault(t *testing.T) {
	f := load(t)
	f.policy.Annotations = nil
	assert.Equal(t, "", policy.RepositoryOf(f.policy, ""), "no annotation, no default: the claim")
	assert.Equal(t, "offsite", policy.RepositoryOf(f.policy, "offsite"), "no annotation: the default")
	assert.Equal(t, "", policy.RepositoryName(f.policy), "RepositoryName reads only the annotation")
	f.policy.Annotations = map[string]string{v1alpha1.AnnotationRepository: "other"}
	assert.Equal(t, "other", policy.RepositoryOf(f.policy, "offsite"), "the annotation wins")
	f.policy.Annotations = map[string]string{v1alpha1.AnnotationRepository: ""}
	assert.Equal(t, "", policy.RepositoryOf(f.policy, "offsite"), "an empty annotation opts out of the default")
	assert.Equal(t, "", policy.RepositoryOf(nil, "offsite"))
}
