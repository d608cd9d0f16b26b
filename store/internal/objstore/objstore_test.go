package objstore_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The shared semantics that the conformance suite cannot check on every
// store (a cluster has its own clock and watch buffering) are tested here,
// through the memory store.

func backup(name string, finalizers ...string) *v1alpha1.Backup {
	return &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Finalizers: finalizers},
		Spec:       v1alpha1.BackupSpec{BackupPolicyName: "policy"},
	}
}

func receive(t *testing.T, w watch.Interface) (watch.Event, bool) {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		return ev, ok
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return watch.Event{}, false
	}
}

func TestTimestampsComeFromTheClockInWholeSeconds(t *testing.T) {
	now := time.Date(2026, 11, 25, 1, 30, 0, 999, time.FixedZone("X", 3600))
	s := memory.New(memory.Options{Clock: func() time.Time { return now }})
	defer s.Close()
	ctx := context.Background()

	b, err := s.Backups().Create(ctx, backup("b", v1alpha1.Finalizer))
	require.NoError(t, err)
	want := time.Date(2026, 11, 25, 0, 30, 0, 0, time.UTC)
	assert.Equal(t, want, b.CreationTimestamp.Time)

	now = now.Add(time.Hour)
	require.NoError(t, s.Backups().Delete(ctx, "ns", "b", ""))
	b, err = s.Backups().Get(ctx, "ns", "b")
	require.NoError(t, err)
	require.NotNil(t, b.DeletionTimestamp)
	assert.Equal(t, want.Add(time.Hour), b.DeletionTimestamp.Time)
	require.NotNil(t, b.DeletionGracePeriodSeconds)
	assert.Zero(t, *b.DeletionGracePeriodSeconds)
}

func TestAWatcherThatFallsBehindIsClosedAndWritersGoOn(t *testing.T) {
	s := memory.New(memory.Options{WatchBuffer: 2})
	defer s.Close()
	ctx := context.Background()
	slow, err := s.Backups().Watch(ctx, "ns")
	require.NoError(t, err)
	defer slow.Stop()
	fast, err := s.Backups().Watch(ctx, "ns")
	require.NoError(t, err)
	defer fast.Stop()

	for i := range 5 {
		_, err := s.Backups().Create(ctx, backup(fmt.Sprintf("b%d", i)))
		require.NoError(t, err, "a writer never waits for a watcher")
		ev, ok := receive(t, fast)
		require.True(t, ok)
		require.Equal(t, watch.Added, ev.Type)
	}
	for i := range 2 {
		ev, ok := receive(t, slow)
		require.True(t, ok, "the buffered events are delivered")
		require.Equal(t, fmt.Sprintf("b%d", i), ev.Object.(*v1alpha1.Backup).Name)
	}
	_, ok := receive(t, slow)
	require.False(t, ok, "then the channel is closed: list and watch again")
}

func TestEventsAreCopiesInCommitOrder(t *testing.T) {
	s := memory.New(memory.Options{})
	defer s.Close()
	ctx := context.Background()
	w1, err := s.Backups().Watch(ctx, "")
	require.NoError(t, err)
	defer w1.Stop()
	w2, err := s.Backups().Watch(ctx, "")
	require.NoError(t, err)
	defer w2.Stop()

	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := s.Backups().Create(ctx, backup(fmt.Sprintf("b%d", i)))
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	var last uint64
	for range writers {
		ev1, ok := receive(t, w1)
		require.True(t, ok)
		ev2, ok := receive(t, w2)
		require.True(t, ok)
		b1, b2 := ev1.Object.(*v1alpha1.Backup), ev2.Object.(*v1alpha1.Backup)
		require.NotSame(t, b1, b2, "each watcher gets its own copy")
		rv, err := strconv.ParseUint(b1.ResourceVersion, 10, 64)
		require.NoError(t, err)
		require.Greater(t, rv, last, "events come in commit order")
		last = rv
		b1.Spec.BackupPolicyName = "mutated"
		got, err := s.Backups().Get(ctx, "ns", b1.Name)
		require.NoError(t, err)
		require.Equal(t, "policy", got.Spec.BackupPolicyName, "an event's object is not the stored one")
	}
}

func TestCancelledContextFailsCalls(t *testing.T) {
	s := memory.New(memory.Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Backups().Create(ctx, backup("b"))
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Backups().Get(ctx, "ns", "b")
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Backups().Watch(ctx, "ns")
	require.ErrorIs(t, err, context.Canceled)
}
