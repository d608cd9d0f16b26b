package storetest

import (
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func deleteCases() []testCase {
	return []testCase{
		{"delete without finalizers removes the object", testDeleteRemoves},
		{"delete of a missing object is NotFound", testDeleteMissing},
		{"delete with a wrong uid precondition is a Conflict", testDeletePrecondition},
		{"delete with finalizers marks the object until the last finalizer goes", testDeleteFinalizers},
	}
}

func testDeleteRemoves(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "b", ""))
	e.requireGone(e.ns, "b")

	again := e.createBackup(e.backup(e.ns, "b"))
	assert.NotEqual(t, created.UID, again.UID, "a new object of the same name is another object")
}

func testDeleteMissing(t *testing.T, e *env) {
	err := e.s.Backups().Delete(e.ctx, e.ns, "missing", "")
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
	err = e.s.BackupTools().Delete(e.ctx, "", e.toolName("missing"), "")
	requireReason(t, apierrors.IsNotFound, err, "NotFound")
}

func testDeletePrecondition(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	err := e.s.Backups().Delete(e.ctx, e.ns, "b", "00000000-0000-0000-0000-000000000000")
	requireReason(t, apierrors.IsConflict, err, "Conflict")
	e.getBackup(e.ns, "b")

	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "b", string(created.UID)))
	e.requireGone(e.ns, "b")
}

func testDeleteFinalizers(t *testing.T, e *env) {
	w := e.watchBackups(e.ns)
	in := e.backup(e.ns, "b")
	in.Finalizers = []string{v1alpha1.Finalizer}
	created := e.createBackup(in)
	e.expectEvent(w, watch.Added, e.ns, "b")

	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "b", string(created.UID)))
	marked := e.getBackup(e.ns, "b")
	require.NotNil(t, marked.DeletionTimestamp, "deletionTimestamp is set")
	assert.Equal(t, []string{v1alpha1.Finalizer}, marked.Finalizers)
	assert.Equal(t, created.Generation+1, marked.Generation, "marking for deletion bumps the generation")
	ev := e.expectEvent(w, watch.Modified, e.ns, "b")
	assert.NotNil(t, ev.DeletionTimestamp)

	require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, "b", ""), "deleting again is not an error")
	assert.Equal(t, marked.ResourceVersion, e.getBackup(e.ns, "b").ResourceVersion, "and changes nothing")

	more := marked.DeepCopy()
	more.Finalizers = append(more.Finalizers, "example.com/another")
	_, err := e.s.Backups().Update(e.ctx, more)
	requireReason(t, apierrors.IsInvalid, err, "Invalid for a new finalizer on a deleted object")

	status := marked.DeepCopy()
	status.Status.Phase = v1alpha1.BackupCompleted
	marked, err = e.s.Backups().UpdateStatus(e.ctx, status)
	require.NoError(t, err, "a deleted object's status is still written")
	ev = e.expectEvent(w, watch.Modified, e.ns, "b")
	assert.Equal(t, v1alpha1.BackupCompleted, ev.Status.Phase)

	// The result of an update of a deleted object shares nothing with what
	// the store holds, now or before (a shared list may still read that).
	shared, err := store.ListByShared(e.ctx, e.s.Backups(), e.ns, store.IndexPhase, string(v1alpha1.BackupCompleted))
	require.NoError(t, err)
	require.Len(t, shared, 1)
	sharedBefore := shared[0].DeepCopy()
	labelled := marked.DeepCopy()
	metav1.SetMetaDataLabel(&labelled.ObjectMeta, "after", "marking")
	res, err := e.s.Backups().Update(e.ctx, labelled)
	require.NoError(t, err, "a deleted object's labels are still written")
	e.expectEvent(w, watch.Modified, e.ns, "b")
	marked = res.DeepCopy()
	require.NotNil(t, res.DeletionTimestamp)
	require.NotNil(t, res.DeletionGracePeriodSeconds)
	res.DeletionTimestamp.Time = res.DeletionTimestamp.Add(time.Hour) // the caller's to change
	*res.DeletionGracePeriodSeconds = 99
	for what, got := range map[string]*v1alpha1.Backup{"stored": e.getBackup(e.ns, "b"), "listed before": shared[0]} {
		assert.True(t, marked.DeletionTimestamp.Equal(got.DeletionTimestamp), "%s: the result's deletionTimestamp is the caller's", what)
		assert.Equal(t, *marked.DeletionGracePeriodSeconds, *got.DeletionGracePeriodSeconds, "%s: the result's grace period is the caller's", what)
	}
	assert.Equal(t, sharedBefore, shared[0], "a shared list's object is not changed by later writes")

	done := marked.DeepCopy()
	done.Finalizers = nil
	_, err = e.s.Backups().Update(e.ctx, done)
	require.NoError(t, err)
	e.requireGone(e.ns, "b")
	e.expectEvent(w, watch.Deleted, e.ns, "b")
}
