package storetest

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/watch"

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

	done := marked.DeepCopy()
	done.Finalizers = nil
	_, err = e.s.Backups().Update(e.ctx, done)
	require.NoError(t, err)
	e.requireGone(e.ns, "b")
	e.expectEvent(w, watch.Deleted, e.ns, "b")
}
