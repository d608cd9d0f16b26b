package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/uuid"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func updateCases() []testCase {
	return []testCase{
		{"update ignores status and bumps generation only when the spec changes", testUpdateIgnoresStatus},
		{"a repeated write that changes nothing keeps the resourceVersion", testUpdateNoop},
		{"update applies the API defaults", testUpdateAppliesDefaults},
		{"update keeps creationTimestamp and generation, and takes a uid as a precondition", testUpdateSystemFields},
		{"update of an invalid spec is Invalid", testUpdateInvalid},
		{"update of a missing object is NotFound", testUpdateMissing},
		{"update without a resourceVersion is Invalid", testUpdateWithoutResourceVersion},
		{"update status ignores metadata and spec", testUpdateStatus},
		{"update status of every kind", testUpdateStatusEveryKind},
		{"a stale resourceVersion is a Conflict for update and update status", testStaleResourceVersion},
		{"of two updates from the same resourceVersion exactly one wins", testRacingUpdates},
	}
}

func testUpdateIgnoresStatus(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))

	in := created.DeepCopy()
	in.Labels["tier"] = "gold"
	in.Status.Phase = v1alpha1.BackupCompleted
	updated, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "gold", updated.Labels["tier"])
	assert.Empty(t, updated.Status.Phase, "update ignores status")
	assert.Equal(t, int64(1), updated.Generation, "metadata changes keep the generation")
	assert.NotEqual(t, created.ResourceVersion, updated.ResourceVersion)
	requireTypeMeta(t, updated, "Backup")

	in = updated.DeepCopy()
	in.Spec.BackupPolicyName = "another"
	updated, err = e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Generation, "a spec change bumps the generation")
	assert.Equal(t, "another", e.getBackup(e.ns, "b").Spec.BackupPolicyName)
	assert.Equal(t, created.UID, updated.UID)
}

// testUpdateNoop checks that a write that changes nothing, repeated, keeps
// the resourceVersion, so that a level-triggered loop writing the same
// status does not wake itself up. (The first such write may still change
// the resourceVersion: a cluster records the writer in managedFields.)
func testUpdateNoop(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	first, err := e.s.Backups().Update(e.ctx, created.DeepCopy())
	require.NoError(t, err)
	again, err := e.s.Backups().Update(e.ctx, first.DeepCopy())
	require.NoError(t, err)
	assert.Equal(t, first.ResourceVersion, again.ResourceVersion)
	assert.Equal(t, int64(1), again.Generation)
	callersOwn(t, e, again)

	first, err = e.s.Backups().UpdateStatus(e.ctx, first.DeepCopy())
	require.NoError(t, err)
	again, err = e.s.Backups().UpdateStatus(e.ctx, first.DeepCopy())
	require.NoError(t, err)
	assert.Equal(t, first.ResourceVersion, again.ResourceVersion)
	assert.Equal(t, int64(1), again.Generation)
	callersOwn(t, e, again)
}

// callersOwn checks that the result of a write that changed nothing is the
// caller's: changing it changes nothing stored.
func callersOwn(t *testing.T, e *env, got *v1alpha1.Backup) {
	t.Helper()
	got.Labels = map[string]string{"changed": "by the caller"}
	got.Status.Phase = v1alpha1.BackupFailed
	stored := e.getBackup(got.Namespace, got.Name)
	assert.NotContains(t, stored.Labels, "changed", "the result of a write that changes nothing is the caller's")
	assert.NotEqual(t, v1alpha1.BackupFailed, stored.Status.Phase, "the result of a write that changes nothing is the caller's")
}

func testUpdateAppliesDefaults(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	in := created.DeepCopy()
	in.Spec.BackupType = ""
	updated, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.BackupTypeDataFile, updated.Spec.BackupType)
	assert.Equal(t, int64(1), updated.Generation, "the defaulted spec is unchanged")
}

func testUpdateSystemFields(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))

	in := created.DeepCopy()
	in.CreationTimestamp = metav1.NewTime(created.CreationTimestamp.Add(-time.Hour))
	in.Generation = 7
	in.Labels["tier"] = "gold"
	updated, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)
	assert.True(t, created.CreationTimestamp.Equal(&updated.CreationTimestamp), "creationTimestamp is kept")
	assert.Equal(t, int64(1), updated.Generation, "the generation is the store's")

	in = updated.DeepCopy()
	in.UID = uuid.NewUUID()
	_, err = e.s.Backups().Update(e.ctx, in)
	requireReason(t, apierrors.IsConflict, err, "Conflict for another uid, a precondition")
	_, err = e.s.Backups().UpdateStatus(e.ctx, in)
	requireReason(t, apierrors.IsConflict, err, "Conflict for another uid, a precondition")

	in = updated.DeepCopy()
	in.UID = ""
	kept, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err, "an empty uid means the stored one")
	assert.Equal(t, created.UID, kept.UID)

	in = updated.DeepCopy()
	now := metav1.Now()
	in.DeletionTimestamp = &now
	_, err = e.s.Backups().Update(e.ctx, in)
	requireReason(t, apierrors.IsInvalid, err, "Invalid for a deletionTimestamp set by update")
}

func testUpdateInvalid(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	in := created.DeepCopy()
	in.Spec.BackupType = "full"
	_, err := e.s.Backups().Update(e.ctx, in)
	requireReason(t, apierrors.IsInvalid, err, "Invalid")
	assert.Contains(t, err.Error(), "spec.backupType")
	assert.Equal(t, created.ResourceVersion, e.getBackup(e.ns, "b").ResourceVersion, "nothing is written")
}

func testUpdateMissing(t *testing.T, e *env) {
	in := e.backup(e.ns, "missing")
	in.ResourceVersion = "1"
	_, err := e.s.Backups().Update(e.ctx, in)
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
	_, err = e.s.Backups().UpdateStatus(e.ctx, in)
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
}

func testUpdateWithoutResourceVersion(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	in := created.DeepCopy()
	in.ResourceVersion = ""
	in.Labels["tier"] = "gold"
	_, err := e.s.Backups().Update(e.ctx, in)
	requireReason(t, apierrors.IsInvalid, err, "Invalid")
	assert.Contains(t, err.Error(), "metadata.resourceVersion")
	_, err = e.s.Backups().UpdateStatus(e.ctx, in)
	requireReason(t, apierrors.IsInvalid, err, "Invalid")
}

func testUpdateStatus(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	in := created.DeepCopy()
	in.Status = v1alpha1.BackupStatus{Phase: v1alpha1.BackupInProgress, TotalSize: "1Gi"}
	in.Spec.BackupPolicyName = "changed"
	in.Labels["tier"] = "gold"
	updated, err := e.s.Backups().UpdateStatus(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.BackupInProgress, updated.Status.Phase)
	assert.Equal(t, "1Gi", updated.Status.TotalSize)
	assert.Equal(t, "policy", updated.Spec.BackupPolicyName, "update status ignores spec")
	assert.NotContains(t, updated.Labels, "tier", "update status ignores metadata")
	assert.Equal(t, int64(1), updated.Generation)
	assert.NotEqual(t, created.ResourceVersion, updated.ResourceVersion)
	requireTypeMeta(t, updated, "Backup")

	got := e.getBackup(e.ns, "b")
	assert.Equal(t, updated.Status, got.Status)
	assert.Equal(t, "policy", got.Spec.BackupPolicyName)
}

func testUpdateStatusEveryKind(t *testing.T, e *env) {
	ctx := e.ctx
	p, err := e.s.BackupPolicies().Create(ctx, e.policy(e.ns, "p"))
	require.NoError(t, err)
	p.Status = v1alpha1.BackupPolicyStatus{ObservedGeneration: 1, Phase: v1alpha1.PolicyAvailable}
	p, err = e.s.BackupPolicies().UpdateStatus(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	requireTypeMeta(t, p, "BackupPolicy")

	r, err := e.s.RestoreJobs().Create(ctx, e.restoreJob(e.ns, "r"))
	require.NoError(t, err)
	r.Status.Phase = v1alpha1.RestoreJobInProgressPhy
	r, err = e.s.RestoreJobs().UpdateStatus(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.RestoreJobInProgressPhy, r.Status.Phase)
	requireTypeMeta(t, r, "RestoreJob")

	tool, err := e.s.BackupTools().Create(ctx, e.tool("t"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.s.BackupTools().Delete(ctx, "", tool.Name, "") })
	same, err := e.s.BackupTools().UpdateStatus(ctx, tool)
	require.NoError(t, err, "BackupTool has an empty status")
	assert.Equal(t, tool.Spec, same.Spec)
}

func testStaleResourceVersion(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	in := created.DeepCopy()
	in.Labels["tier"] = "gold"
	_, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)

	stale := created.DeepCopy()
	stale.Spec.BackupPolicyName = "lost"
	_, err = e.s.Backups().Update(e.ctx, stale)
	requireReason(t, apierrors.IsConflict, err, "Conflict for Update")

	stale = created.DeepCopy()
	stale.Status.Phase = v1alpha1.BackupFailed
	_, err = e.s.Backups().UpdateStatus(e.ctx, stale)
	requireReason(t, apierrors.IsConflict, err, "Conflict for UpdateStatus")

	got := e.getBackup(e.ns, "b")
	assert.Equal(t, "policy", got.Spec.BackupPolicyName)
	assert.Empty(t, got.Status.Phase)
}

func testRacingUpdates(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	for round := range 5 {
		base := e.getBackup(e.ns, "b")
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			in := base.DeepCopy()
			in.Labels["writer"] = fmt.Sprintf("round%d-writer%d", round, i)
			wg.Go(func() { _, errs[i] = e.s.Backups().Update(e.ctx, in) })
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				require.True(t, apierrors.IsConflict(err), "round %d: the loser gets a Conflict, got %v", round, err)
			}
		}
		require.Equal(t, 1, wins, "round %d: exactly one update wins", round)
	}
	assert.Equal(t, created.UID, e.getBackup(e.ns, "b").UID)
}
