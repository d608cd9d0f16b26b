package executor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestNewRefusesAnUnknownDefaultRepository(t *testing.T) {
	h := newHarness(t, nil)
	cfg := h.config()
	cfg.DefaultRepository = "offsite"
	_, err := executor.New(cfg)
	require.ErrorContains(t, err, `Config.DefaultRepository: "offsite" is not in Config.Repositories (registered: none)`)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))

	h.offsite(memory.New())
	cfg = h.config()
	cfg.DefaultRepository = "ofsite"
	_, err = executor.New(cfg)
	require.ErrorContains(t, err, `Config.DefaultRepository: "ofsite" is not in Config.Repositories (registered: offsite)`)

	cfg.DefaultRepository = "offsite"
	_, err = executor.New(cfg)
	require.NoError(t, err)
}

// withDefaultRepository registers the repository "offsite" over backend and
// makes it the engine's default.
func (h *harness) withDefaultRepository(backend repository.Backend) *repository.Repository {
	repo := h.offsite(backend)
	cfg := h.config()
	cfg.DefaultRepository = "offsite"
	h.ex = newEngine(cfg)
	return repo
}

// uploadedAsTheTaskSays reports each backup task's upload under its key.
func uploadedAsTheTaskSays(t *drivers.Task) memdriver.Outcome {
	r := *uploaded
	r.Key = t.Owner.Namespace + "/pg/" + t.Owner.Name
	return memdriver.Outcome{Repository: &r}
}

// TestDefaultRepositoryRunsAClaimlessPolicy: with a default repository and
// no default claim, the policy the KubeBlocks v0.5 cluster controller
// writes (a datafile claim without a name, no repository annotation) is
// Available without a note, and its backups go to the repository: the
// Backup records it, so its restore and its deletion use it even on an
// engine that no longer has it as its default.
func TestDefaultRepositoryRunsAClaimlessPolicy(t *testing.T) {
	h := newHarness(t, uploadedAsTheTaskSays)
	backend := memory.New()
	repo := h.withDefaultRepository(backend)
	h.setup(noClaimPolicy())
	p := h.policy()
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Empty(t, p.Status.FailureReason, "a repository needs no claim")
	assert.NotContains(t, strings.Join(h.drainEvents(), "\n"), "BackupPVCNameIsEmpty")

	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "offsite", b.Annotations[v1alpha1.AnnotationRepository], "recorded")
	assert.Empty(t, b.Status.PersistentVolumeClaimName)
	assert.Equal(t, "demo/pg/b1", b.Status.Manifests.BackupTool.FilePath)
	task := h.driver.Started()[0]
	require.NotNil(t, task.Repository)
	assert.Equal(t, "offsite", task.Repository.Name)
	assert.Equal(t, "demo/pg/b1", task.Repository.Push.Key)
	assert.Empty(t, task.Storage.ClaimName)

	h.ex = h.newExecutor() // the same repositories, no default any more
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	started := h.driver.Started()
	restore := started[len(started)-1]
	require.NotNil(t, restore.Repository, "restored from where the backup recorded")
	assert.Equal(t, "offsite", restore.Repository.Name)
	assert.Equal(t, "demo/pg/b1", restore.Repository.Pull[0].Key)

	w, err := repo.NewBackup("demo/pg/b1", nil)
	require.NoError(t, err)
	_, err = w.Put(h.ctx, "dump.sql", strings.NewReader("data"), 0o600)
	require.NoError(t, err)
	_, err = w.Commit(h.ctx)
	require.NoError(t, err)
	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))
	h.reconcileUntilGone("b1", 10)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), `the backup's data was deleted from repository "offsite"`)
	for a, err := range repo.List(h.ctx, "demo/") {
		require.NoError(t, err)
		t.Errorf("left in the repository: %s", a.Key)
	}
}

// TestTheRepositoryAnnotationWinsOverTheDefault: an empty annotation keeps
// the policy's backups in its claim; one that names a repository uses it.
func TestTheRepositoryAnnotationWinsOverTheDefault(t *testing.T) {
	h := newHarness(t, uploadedAsTheTaskSays)
	h.withDefaultRepository(memory.New())
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		p.Annotations = map[string]string{v1alpha1.AnnotationRepository: ""}
	}))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.NotContains(t, b.Annotations, v1alpha1.AnnotationRepository)
	assert.Equal(t, "backup-data", b.Status.PersistentVolumeClaimName, "in its claim")
	assert.Nil(t, h.driver.Started()[0].Repository)

	// An empty annotation on a claimless policy: the claim is missing, as
	// without a default.
	p := h.policy()
	p.Spec.Datafile.PersistentVolumeClaim.Name = ""
	p.Generation++
	_, err := h.store.BackupPolicies().Update(h.ctx, p)
	require.NoError(t, err)
	h.reconcilePolicy()
	p = h.policy()
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, "datafile backups cannot run")
}

// TestTheDefaultRepositoryCountsForThePerRepositoryLimit: a policy that
// uses the default repository and one that names it share its limit.
func TestTheDefaultRepositoryCountsForThePerRepositoryLimit(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 5, Repository: uploaded} })
	h.offsite(memory.New())
	cfg := h.config()
	cfg.DefaultRepository = "offsite"
	cfg.BackupLimits = executor.Limits{PerRepository: 1}
	h.ex = newEngine(cfg)
	h.setup(backupPolicy()) // the default
	named := backupPolicy(inOffsite)
	named.Name = "pg-named"
	_, err := h.store.BackupPolicies().Create(h.ctx, named)
	require.NoError(t, err)
	_, err = h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: "pg-named"})
	require.NoError(t, err)

	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b2 := backup("b2", v1alpha1.BackupTypeDataFile)
	b2.Spec.BackupPolicyName = "pg-named"
	h.create(b2)
	for range 5 {
		for _, name := range []string{"b1", "b2"} {
			_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
			require.NoError(t, err)
		}
	}
	assert.Equal(t, v1alpha1.BackupInProgress, h.getBackup("b1").Status.Phase)
	waiting := h.getBackup("b2")
	assert.Empty(t, waiting.Status.Phase)
	assert.Equal(t, "waiting: 1 backups to repository offsite run, the limit per repository", waiting.Annotations[v1alpha1.AnnotationWaiting])
}
