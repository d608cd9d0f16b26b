package storetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func watchCases() []testCase {
	return []testCase{
		{"watch delivers Added, Modified and Deleted in order for its namespace only", testWatchNamespace},
		{"watch of all namespaces delivers every namespace's events", testWatchAllNamespaces},
		{"watch starts after the objects that exist", testWatchStartsNow},
		{"watch of BackupTools delivers their events", testWatchTools},
		{"watch ends when its context is cancelled", testWatchContext},
		{"watch ends on Stop", testWatchStop},
	}
}

func testWatchNamespace(t *testing.T, e *env) {
	w := e.watchBackups(e.ns)
	e.createBackup(e.backup(e.other, "elsewhere"))
	created := e.createBackup(e.backup(e.ns, "b"))
	added := e.expectEvent(w, watch.Added, e.ns, "b")
	assert.Equal(t, created.ResourceVersion, added.ResourceVersion)

	in := created.DeepCopy()
	in.Spec.BackupPolicyName = "another"
	updated, err := e.s.Backups().Update(e.ctx, in)
	require.NoError(t, err)
	modified := e.expectEvent(w, watch.Modified, e.ns, "b")
	assert.Equal(t, updated.ResourceVersion, modified.ResourceVersion)
	assert.Equal(t, "another", modified.Spec.BackupPolicyName)

	in = updated.DeepCopy()
	in.Status.Phase = v1alpha1.BackupInProgress
	_, err = e.s.Backups().UpdateStatus(e.ctx, in)
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.BackupInProgress, e.expectEvent(w, watch.Modified, e.ns, "b").Status.Phase)

	require.NoError(t, e.s.Backups().Delete(e.ctx, e.other, "elsewhere", ""))
	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "b", ""))
	deleted := e.expectEvent(w, watch.Deleted, e.ns, "b")
	assert.Equal(t, "b", deleted.Name)
	assert.Greater(t, rv(t, deleted.ResourceVersion), rv(t, updated.ResourceVersion),
		"resourceVersions grow with every change")
}

func testWatchAllNamespaces(t *testing.T, e *env) {
	w := e.watchBackups("")
	e.createBackup(e.backup(e.ns, "a"))
	e.createBackup(e.backup(e.other, "b"))
	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "a", ""))
	e.expectEvent(w, watch.Added, e.ns, "a")
	e.expectEvent(w, watch.Added, e.other, "b")
	e.expectEvent(w, watch.Deleted, e.ns, "a")
}

func testWatchStartsNow(t *testing.T, e *env) {
	e.createBackup(e.backup(e.ns, "before"))
	w := e.watchBackups(e.ns)
	e.createBackup(e.backup(e.ns, "after"))
	e.expectEvent(w, watch.Added, e.ns, "after")
}

func testWatchTools(t *testing.T, e *env) {
	tools := e.s.BackupTools()
	w, err := tools.Watch(e.ctx, "")
	require.NoError(t, err)
	t.Cleanup(w.Stop)
	_, err = tools.Watch(e.ctx, e.ns)
	requireReason(t, apierrors.IsBadRequest, err, "BadRequest for a namespace argument")

	created, err := tools.Create(e.ctx, e.tool("t"))
	require.NoError(t, err)
	require.NoError(t, tools.Delete(e.ctx, "", created.Name, ""))
	for _, want := range []watch.EventType{watch.Added, watch.Deleted} {
		ev := e.nextEvent(w)
		require.Equal(t, want, ev.Type)
		tool, ok := ev.Object.(*v1alpha1.BackupTool)
		require.True(t, ok, "event object is %T", ev.Object)
		assert.Equal(t, created.Name, tool.Name)
		requireTypeMeta(t, tool, "BackupTool")
	}
}

func testWatchContext(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(e.ctx)
	w, err := e.s.Backups().Watch(ctx, e.ns)
	require.NoError(t, err)
	defer w.Stop()
	e.createBackup(e.backup(e.ns, "b"))
	e.expectEvent(w, watch.Added, e.ns, "b")
	cancel()
	requireEnded(t, w)
}

func testWatchStop(t *testing.T, e *env) {
	w, err := e.s.Backups().Watch(e.ctx, e.ns)
	require.NoError(t, err)
	w.Stop()
	requireEnded(t, w)
	w.Stop() // a second Stop does nothing
}

// rv parses a resourceVersion of the suite's stores, which are decimal.
func rv(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	require.NoError(t, err, "resourceVersion %q", s)
	return v
}
