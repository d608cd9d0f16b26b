package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A store may serve reads from a cache (store/kube does). These cases pin
// down what it must keep: it reads its own writes at once, and a read that
// is stale because another client wrote never makes a write lose that
// client's change.

func consistencyCases() []testCase {
	return []testCase{
		{"a read right after a write returns that write or a later one", testReadYourWrites},
		{"a write based on a stale read is a Conflict, never a lost update", testConflictingWriter},
	}
}

func testReadYourWrites(t *testing.T, e *env) {
	for i := range 10 {
		name := fmt.Sprintf("b%d", i)
		created := e.createBackup(e.backup(e.ns, name))
		requireAtLeast(t, e, created)
		in := e.getBackup(e.ns, name)
		in.Labels["round"] = "1"
		updated, err := e.s.Backups().Update(e.ctx, in)
		require.NoError(t, err)
		requireAtLeast(t, e, updated)
		in = updated.DeepCopy()
		in.Status.Phase = v1alpha1.BackupInProgress
		updated, err = e.s.Backups().UpdateStatus(e.ctx, in)
		require.NoError(t, err)
		requireAtLeast(t, e, updated)
		running, err := e.s.Backups().ListBy(e.ctx, e.ns, store.IndexPhase, string(v1alpha1.BackupInProgress))
		require.NoError(t, err)
		assert.Contains(t, names(running), e.ns+"/"+name, "ListBy sees the status write")
		require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, name, ""))
		e.requireGone(e.ns, name)
		all, err := e.s.Backups().List(e.ctx, e.ns, nil)
		require.NoError(t, err)
		assert.NotContains(t, names(all), e.ns+"/"+name, "List does not return a deleted object")
		again := e.createBackup(e.backup(e.ns, name))
		assert.Equal(t, again.UID, e.getBackup(e.ns, name).UID, "Get returns the new object of the name")
		require.NoError(t, e.s.Backups().Delete(e.ctx, e.ns, name, ""))
	}
}

// requireAtLeast checks that Get, List and ListBy return want's version or
// a later one.
func requireAtLeast(t *testing.T, e *env, want *v1alpha1.Backup) {
	t.Helper()
	got := e.getBackup(want.Namespace, want.Name)
	assert.GreaterOrEqual(t, rv(t, got.ResourceVersion), rv(t, want.ResourceVersion), "Get after a write")
	listed, err := e.s.Backups().List(e.ctx, want.Namespace, e.mine())
	require.NoError(t, err)
	byPolicy, err := e.s.Backups().ListBy(e.ctx, want.Namespace, store.IndexBackupPolicy, want.Spec.BackupPolicyName)
	require.NoError(t, err)
	for what, list := range map[string][]*v1alpha1.Backup{"List": listed, "ListBy": byPolicy} {
		found := false
		for _, b := range list {
			if b.Name == want.Name {
				found = true
				assert.GreaterOrEqual(t, rv(t, b.ResourceVersion), rv(t, want.ResourceVersion), "%s after a write", what)
			}
		}
		assert.True(t, found, "%s after a write returns the object", what)
	}
}

func testConflictingWriter(t *testing.T, e *env) {
	peer := e.peer()
	created := e.createBackup(e.backup(e.ns, "b"))
	for round := range 5 {
		base := e.getBackup(e.ns, "b")
		theirs, err := peer.Backups().Get(e.ctx, e.ns, "b")
		require.NoError(t, err)
		theirs.Labels["peer"] = fmt.Sprint(round)
		_, err = peer.Backups().Update(e.ctx, theirs)
		if apierrors.IsConflict(err) {
			continue // the peer's own cache was behind: it retries next round
		}
		require.NoError(t, err)
		mine := e.retryOnConflict(base, func(b *v1alpha1.Backup) { b.Labels["mine"] = fmt.Sprint(round) })
		assert.Equal(t, fmt.Sprint(round), mine.Labels["peer"], "round %d: the peer's change survives", round)
	}
	assert.Equal(t, created.UID, e.getBackup(e.ns, "b").UID)
}

// retryOnConflict applies change to b and updates it, reading it again
// after each Conflict, as a level-triggered client does; it fails the test
// when no attempt succeeds within EventTimeout.
func (e *env) retryOnConflict(b *v1alpha1.Backup, change func(*v1alpha1.Backup)) *v1alpha1.Backup {
	e.t.Helper()
	var out *v1alpha1.Backup
	err := wait.PollUntilContextTimeout(e.ctx, 10*time.Millisecond, EventTimeout, true, func(ctx context.Context) (bool, error) {
		in := b.DeepCopy()
		change(in)
		var err error
		if out, err = e.s.Backups().Update(ctx, in); err == nil || !apierrors.IsConflict(err) {
			return err == nil, err
		}
		b, err = e.s.Backups().Get(ctx, b.Namespace, b.Name) // a stale cache catches up by itself
		return false, err
	})
	require.NoError(e.t, err, "a write from a stale read is a Conflict, and reads catch up")
	return out
}
