package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func indexCases() []testCase {
	return []testCase{
		{"list by policy returns the policy's Backups, of a namespace or of all", testListByPolicy},
		{"list by phase follows status writes and deletions; the empty phase is New", testListByPhase},
		{"list by tool returns the policies that name the tool in any type", testListByTool},
		{"list by an index the kind does not have is BadRequest", testListByUnknownIndex},
		{"a shared list (store.ListByShared) returns what ListBy does, its own writes included", testListByShared},
	}
}

func testListByPolicy(t *testing.T, e *env) {
	policy := "p-" + e.id
	for _, ns := range []string{e.ns, e.other} {
		for _, name := range []string{"c", "a"} {
			b := e.backup(ns, name)
			b.Spec.BackupPolicyName = policy
			e.createBackup(b)
		}
		e.createBackup(e.backup(ns, "elsewhere"))
	}
	got, err := e.s.Backups().ListBy(e.ctx, e.ns, store.IndexBackupPolicy, policy)
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/a", e.ns + "/c"}, names(got))
	for _, b := range got {
		requireTypeMeta(t, b, "Backup")
	}
	all, err := e.s.Backups().ListBy(e.ctx, "", store.IndexBackupPolicy, policy)
	require.NoError(t, err)
	first, second := sorted(e.ns, e.other)
	assert.Equal(t, []string{first + "/a", first + "/c", second + "/a", second + "/c"}, names(all))

	moved := e.getBackup(e.ns, "a")
	moved.Spec.BackupPolicyName = "another"
	_, err = e.s.Backups().Update(e.ctx, moved)
	require.NoError(t, err)
	got, err = e.s.Backups().ListBy(e.ctx, e.ns, store.IndexBackupPolicy, policy)
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/c"}, names(got), "an update moves the Backup out of the old value")
}

func testListByPhase(t *testing.T, e *env) {
	for _, name := range []string{"a", "b", "c"} {
		e.createBackup(e.backup(e.ns, name))
	}
	requirePhase(t, e, v1alpha1.BackupNew, "a", "b", "c")
	for _, name := range []string{"b", "c"} {
		b := e.getBackup(e.ns, name)
		b.Status.Phase = v1alpha1.BackupInProgress
		_, err := e.s.Backups().UpdateStatus(e.ctx, b)
		require.NoError(t, err)
	}
	requirePhase(t, e, v1alpha1.BackupNew, "a")
	requirePhase(t, e, v1alpha1.BackupInProgress, "b", "c")
	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "c", ""))
	requirePhase(t, e, v1alpha1.BackupInProgress, "b")

	r, err := e.s.RestoreJobs().Create(e.ctx, e.restoreJob(e.ns, "r"))
	require.NoError(t, err)
	restores, err := e.s.RestoreJobs().ListBy(e.ctx, e.ns, store.IndexPhase, string(v1alpha1.RestoreJobNew))
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/r"}, names(restores))
	r.Status.Phase = v1alpha1.RestoreJobInProgressPhy
	_, err = e.s.RestoreJobs().UpdateStatus(e.ctx, r)
	require.NoError(t, err)
	restores, err = e.s.RestoreJobs().ListBy(e.ctx, e.ns, store.IndexPhase, string(v1alpha1.RestoreJobInProgressPhy))
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/r"}, names(restores))
}

// requirePhase checks the subtest's Backups of e.ns in phase, listed by
// the phase in the namespace and in all namespaces.
func requirePhase(t *testing.T, e *env, phase v1alpha1.BackupPhase, want ...string) {
	t.Helper()
	for _, ns := range []string{e.ns, ""} {
		got, err := e.s.Backups().ListBy(e.ctx, ns, store.IndexPhase, string(phase))
		require.NoError(t, err)
		shared, err := store.ListByShared(e.ctx, e.s.Backups(), ns, store.IndexPhase, string(phase))
		require.NoError(t, err)
		assert.Equal(t, want, e.mineOf(got), "Backups in phase %s, namespace %q", phase, ns)
		assert.Equal(t, want, e.mineOf(shared), "Backups in phase %s, namespace %q, shared list", phase, ns)
	}
}

// mineOf returns the names of the subtest's Backups among bs (e.mine).
func (e *env) mineOf(bs []*v1alpha1.Backup) []string {
	var out []string
	for _, b := range bs {
		if e.mine().Matches(labels.Set(b.Labels)) {
			out = append(out, b.Name)
		}
	}
	return out
}

// testListByShared checks the shared list against ListBy after creations,
// a spec write, a status write and a deletion, each read at once.
func testListByShared(t *testing.T, e *env) {
	policy := "p-" + e.id
	for _, name := range []string{"b", "a", "c"} {
		b := e.backup(e.ns, name)
		b.Spec.BackupPolicyName = policy
		e.createBackup(b)
	}
	same := func(step string) {
		t.Helper()
		for _, ns := range []string{e.ns, ""} {
			copies, err := e.s.Backups().ListBy(e.ctx, ns, store.IndexBackupPolicy, policy)
			require.NoError(t, err)
			shared, err := store.ListByShared(e.ctx, e.s.Backups(), ns, store.IndexBackupPolicy, policy)
			require.NoError(t, err)
			require.Equal(t, names(copies), names(shared), "%s: names, namespace %q", step, ns)
			for i := range copies {
				assert.Equal(t, copies[i].ResourceVersion, shared[i].ResourceVersion, "%s: %s", step, copies[i].Name)
				assert.Equal(t, copies[i].Spec, shared[i].Spec, "%s: %s", step, copies[i].Name)
				assert.Equal(t, copies[i].Status, shared[i].Status, "%s: %s", step, copies[i].Name)
			}
		}
	}
	same("created")
	b := e.getBackup(e.ns, "a")
	b.Labels["written"] = "yes"
	_, err := e.s.Backups().Update(e.ctx, b)
	require.NoError(t, err)
	same("after a spec write")
	b = e.getBackup(e.ns, "b")
	b.Status.Phase = v1alpha1.BackupInProgress
	_, err = e.s.Backups().UpdateStatus(e.ctx, b)
	require.NoError(t, err)
	same("after a status write")
	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "c", ""))
	same("after a deletion")
	got, err := store.ListByShared(e.ctx, e.s.Backups(), e.ns, store.IndexBackupPolicy, policy)
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/a", e.ns + "/b"}, names(got))
}

func testListByTool(t *testing.T, e *env) {
	tool := e.toolName("t")
	datafile := e.policy(e.ns, "datafile")
	datafile.Spec.Datafile.BackupToolName = tool
	logfile := e.policy(e.other, "logfile")
	logfile.Spec.Datafile.BackupToolName = "unrelated"
	logfile.Spec.Logfile = logfile.Spec.Datafile.DeepCopy()
	logfile.Spec.Logfile.BackupToolName = tool
	for _, p := range []*v1alpha1.BackupPolicy{datafile, logfile, e.policy(e.ns, "other")} {
		_, err := e.s.BackupPolicies().Create(e.ctx, p)
		require.NoError(t, err)
	}
	got, err := e.s.BackupPolicies().ListBy(e.ctx, "", store.IndexBackupTool, tool)
	require.NoError(t, err)
	first, second := sorted(e.ns+"/datafile", e.other+"/logfile")
	assert.Equal(t, []string{first, second}, names(got))
	got, err = e.s.BackupPolicies().ListBy(e.ctx, e.other, store.IndexBackupTool, "unrelated")
	require.NoError(t, err)
	assert.Equal(t, []string{e.other + "/logfile"}, names(got))
}

func testListByUnknownIndex(t *testing.T, e *env) {
	_, err := e.s.BackupTools().ListBy(e.ctx, "", store.IndexPhase, "New")
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for BackupTool by phase")
	_, err = e.s.Backups().ListBy(e.ctx, e.ns, store.IndexBackupTool, "t")
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for Backup by tool")
	_, err = e.s.Backups().ListBy(e.ctx, e.ns, store.Index(fmt.Sprintf("unknown-%s", e.id)), "x")
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for an unknown index")
}

// sorted returns a and b in order.
func sorted(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}
