package executor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestToolWithoutBackupCommandsFailsTheBackupWithAReason: a policy whose
// tool has backupCommands: [] is Available (upstream accepted the tool), and
// a datafile Backup with it fails when it runs, with a reason and a Warning
// event that say why.
func TestToolWithoutBackupCommandsFailsTheBackupWithAReason(t *testing.T) {
	h := newHarness(t, nil)
	tl := tool()
	tl.Spec.BackupCommands = []string{}
	_, err := h.store.BackupTools().Create(h.ctx, tl)
	require.NoError(t, err)
	_, err = h.store.BackupPolicies().Create(h.ctx, backupPolicy())
	require.NoError(t, err)
	_, err = h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: "pg"})
	require.NoError(t, err)
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)

	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	assert.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Equal(t, `BackupTool "pg-tool" has no backupCommands: it cannot make a full datafile backup`, b.Status.FailureReason)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning NoBackupCommands BackupTool \"pg-tool\" has no backupCommands")
	assert.Empty(t, h.driver.Started(), "nothing ran")
}

// noClaimPolicy is the policy the KubeBlocks v0.5 cluster controller
// writes by default: a datafile section whose claim has no name, and a
// snapshot section.
func noClaimPolicy() *v1alpha1.BackupPolicy {
	return backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.PersistentVolumeClaim.Name = "" })
}

// TestPolicyWithoutClaimNameKeepsSnapshotsRunning: without a default claim
// the policy is Available and says why datafile backups cannot run (with a
// Warning event); a datafile Backup fails with upstream's reason
// BackupPVCNameIsEmpty, and a snapshot Backup completes.
func TestPolicyWithoutClaimNameKeepsSnapshotsRunning(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(noClaimPolicy())
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, "datafile backups cannot run")
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning BackupPVCNameIsEmpty")

	h.create(backup("d1", v1alpha1.BackupTypeDataFile))
	d := h.runBackup("d1", 20, terminalPhase)
	assert.Equal(t, v1alpha1.BackupFailed, d.Status.Phase)
	assert.Contains(t, d.Status.FailureReason, "the persistentVolumeClaim name of the datafile policy")
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning BackupPVCNameIsEmpty")

	h.create(backup("s1", v1alpha1.BackupTypeSnapshot))
	s := h.runBackup("s1", 20, terminalPhase)
	assert.Equal(t, v1alpha1.BackupCompleted, s.Status.Phase, s.Status.FailureReason)
}

// TestPolicyWithoutClaimNameUsesConfigBackupPVC: with Config.BackupPVC, a
// datafile backup of a policy without a claim name goes to the default
// claim.
func TestPolicyWithoutClaimNameUsesConfigBackupPVC(t *testing.T) {
	h := newHarness(t, nil)
	cfg := h.config()
	cfg.BackupPVC = policy.BackupClaimDefaults{Name: "global-backups", CreatePolicy: v1alpha1.CreatePVCPolicyNever}
	h.ex = newEngine(cfg)
	h.setup(noClaimPolicy())
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Empty(t, p.Status.FailureReason)

	h.create(backup("d1", v1alpha1.BackupTypeDataFile))
	d := h.runBackup("d1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, d.Status.Phase, d.Status.FailureReason)
	assert.Equal(t, "global-backups", d.Status.PersistentVolumeClaimName)
	main := h.driver.Started()[0]
	assert.Equal(t, "global-backups", main.Storage.ClaimName)
	assert.Nil(t, main.Storage.Create, "createPolicy Never from the defaults")

	cfg.BackupPVC.Name = "Not_A_Claim"
	_, err = executor.New(cfg)
	assert.ErrorContains(t, err, `Config.BackupPVC: backup claim defaults: name "Not_A_Claim"`)
}
