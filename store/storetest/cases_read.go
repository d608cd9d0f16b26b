package storetest

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
)

func readCases() []testCase {
	return []testCase{
		{"get of a missing object is NotFound", testGetMissing},
		{"list filters by namespace and label selector, sorted by name", testListNamespace},
		{"list of all namespaces is sorted by namespace, then name", testListAllNamespaces},
		{"BackupTool is cluster-scoped", testClusterScopedTool},
		{"a namespaced kind needs a namespace to get or delete", testNamespaceArgument},
	}
}

func testGetMissing(t *testing.T, e *env) {
	_, err := e.s.Backups().Get(e.ctx, e.ns, "missing")
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
	_, err = e.s.BackupTools().Get(e.ctx, "", e.toolName("missing"))
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
	_, err = e.s.RestoreJobs().Get(e.ctx, e.ns, "missing")
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
	_, err = e.s.BackupPolicies().Get(e.ctx, e.ns, "missing")
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
}

func testListNamespace(t *testing.T, e *env) {
	for _, name := range []string{"c", "a", "b"} {
		b := e.backup(e.ns, name)
		if name != "b" {
			b.Labels["tier"] = "gold"
		}
		e.createBackup(b)
	}
	e.createBackup(e.backup(e.other, "a"))

	all, err := e.s.Backups().List(e.ctx, e.ns, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/a", e.ns + "/b", e.ns + "/c"}, names(all))
	for _, b := range all {
		requireTypeMeta(t, b, "Backup")
	}

	gold, err := e.s.Backups().List(e.ctx, e.ns, labels.SelectorFromSet(labels.Set{"tier": "gold"}))
	require.NoError(t, err)
	assert.Equal(t, []string{e.ns + "/a", e.ns + "/c"}, names(gold))

	none, err := e.s.Backups().List(e.ctx, e.ns, labels.Nothing())
	require.NoError(t, err)
	assert.Empty(t, none, "labels.Nothing selects nothing")

	empty, err := e.s.RestoreJobs().List(e.ctx, e.ns, nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func testListAllNamespaces(t *testing.T, e *env) {
	for _, ns := range []string{e.other, e.ns} {
		for _, name := range []string{"b", "a"} {
			e.createBackup(e.backup(ns, name))
		}
	}
	got, err := e.s.Backups().List(e.ctx, "", e.mine())
	require.NoError(t, err)
	first, second := e.ns, e.other
	if second < first {
		first, second = second, first
	}
	assert.Equal(t, []string{first + "/a", first + "/b", second + "/a", second + "/b"}, names(got))

	everything, err := e.s.Backups().List(e.ctx, "", nil)
	require.NoError(t, err)
	keys := names(everything)
	assert.True(t, sort.SliceIsSorted(everything, func(i, j int) bool {
		a, b := everything[i], everything[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	}), "not sorted: %v", keys)
	assert.Subset(t, keys, names(got))
}

func testClusterScopedTool(t *testing.T, e *env) {
	tools := e.s.BackupTools()
	in := e.tool("t")
	created, err := tools.Create(e.ctx, in)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tools.Delete(e.ctx, "", created.Name, "") })
	assert.Empty(t, created.Namespace)
	requireTypeMeta(t, created, "BackupTool")

	got, err := tools.Get(e.ctx, "", in.Name)
	require.NoError(t, err)
	assert.Equal(t, created.UID, got.UID)

	list, err := tools.List(e.ctx, "", e.mine())
	require.NoError(t, err)
	assert.Equal(t, []string{"/" + in.Name}, names(list))

	_, err = tools.Get(e.ctx, e.ns, in.Name)
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for a namespace argument")
	_, err = tools.List(e.ctx, e.ns, nil)
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for a namespace argument")

	got.Spec.Image = "busybox:2"
	updated, err := tools.Update(e.ctx, got)
	require.NoError(t, err)
	assert.Equal(t, int64(2), updated.Generation)
	require.NoError(t, tools.Delete(e.ctx, "", in.Name, ""))
	_, err = tools.Get(e.ctx, "", in.Name)
	requireReason(t, apierrors.IsNotFound, err, "NotFound after Delete")
}

func testNamespaceArgument(t *testing.T, e *env) {
	_, err := e.s.Backups().Get(e.ctx, "", "b")
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for Get without a namespace")
	err = e.s.Backups().Delete(e.ctx, "", "b", "")
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for Delete without a namespace")
}
