package executor_test

import (
	"strings"
	"testing"
	"time"

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

// TestPolicyWithUpstreamTTLLoopholeKeepsItsBackups: a policy whose ttl
// upstream's CRD accepted but read as 0 ("7|"; upstream deleted its backups
// at once) stays Available with ttl retention off: its status says so, one
// Warning event TTLIgnored says so (not one per reconcile, nor per status
// change), and its completed Backups get no expiration and are not deleted,
// however long the policy reconciles.
func TestPolicyWithUpstreamTTLLoopholeKeepsItsBackups(t *testing.T) {
	for _, ttl := range []string{"7|", "0d", "0H", "99999999999999999999d"} {
		t.Run(ttl, func(t *testing.T) {
			h := newHarness(t, nil)
			h.setup(backupPolicy(hourly, func(p *v1alpha1.BackupPolicy) { p.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl} }))
			p := h.policy()
			require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)
			assert.Contains(t, p.Status.FailureReason, `spec.retention.ttl: invalid ttl "`+ttl+`"`)
			assert.Contains(t, p.Status.FailureReason, "ttl retention is off: backups are kept until deleted")

			h.create(backup("manual", v1alpha1.BackupTypeDataFile))
			b := h.runBackup("manual", 20, terminalPhase)
			require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
			assert.Nil(t, b.Status.Expiration)
			for hour := 1; hour <= 3; hour++ { // scheduled ones too, and status changes (lastScheduleTime)
				h.clock.SetTime(t0.Add(time.Duration(hour)*time.Hour + time.Second))
				h.reconcilePolicy()
				name := "pg-datafile-20261125" + twoDigits(10+hour) + "0000"
				b := h.runBackup(name, 20, terminalPhase)
				require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
				assert.Nil(t, b.Status.Expiration, name)
			}
			h.clock.Step(400 * 24 * time.Hour)
			for range 3 {
				h.reconcilePolicy()
			}
			bs := h.backups()
			assert.Len(t, bs, 5, "one scheduled run for the missed slots, nothing deleted")
			for _, b := range bs {
				assert.Nil(t, b.DeletionTimestamp, "%s is kept", b.Name)
				assert.Nil(t, b.Status.Expiration, b.Name)
			}
			events := h.drainEvents()
			assert.Equal(t, 1, countEvents(events, "Warning "+policy.ReasonTTLIgnored), "%q", events)
			assert.Zero(t, countEvents(events, "BackupDeleted"))
			assert.Equal(t, v1alpha1.PolicyAvailable, h.policy().Status.Phase)
		})
	}
}

// TestPolicyTTLFixedUsesIt: once the ttl is fixed the note goes, and new
// Backups expire.
func TestPolicyTTLFixedUsesIt(t *testing.T) {
	h := newHarness(t, nil)
	ttl := "7|"
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl} }))
	p := h.policy()
	require.NotEmpty(t, p.Status.FailureReason)
	p.Spec.Retention.TTL = new("7d")
	p.Generation++
	_, err := h.store.BackupPolicies().Update(h.ctx, p)
	require.NoError(t, err)
	h.reconcilePolicy()
	p = h.policy()
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Empty(t, p.Status.FailureReason)
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.NotNil(t, b.Status.Expiration)
	assert.Equal(t, b.Status.StartTimestamp.Add(7*24*time.Hour), b.Status.Expiration.Time)
}
