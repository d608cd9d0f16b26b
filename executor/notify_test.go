package executor_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// held is the script of tasks that finish when the test releases them.
func held(*drivers.Task) memdriver.Outcome {
	out := memdriver.Succeed()
	out.Held = true
	return out
}

// waitFor polls cond every 10 ms of real time for at most 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 10*time.Second, true,
		func(context.Context) (bool, error) { return cond(), nil })
	require.NoError(t, err, "waiting until %s", what)
}

// A driver that notifies wakes the engine when its task finishes: on a
// clock that never moves, no poll would ever come.
func TestANotificationWakesTheEngineWithoutPolling(t *testing.T) {
	h := newHarness(t, held)
	h.driver.Notifies = true
	h.setup(backupPolicy())
	ctx, cancel := context.WithCancel(h.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = h.ex.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	waitFor(t, "the main task started", func() bool { return len(h.driver.Started()) == 1 })
	h.driver.Release(h.driver.Started()[0].ID)
	waitFor(t, "the backup completed", func() bool { return h.getBackup("b1").Status.Phase == v1alpha1.BackupCompleted })
}

// Outside Run nobody subscribes: a running task is polled at PollInterval
// whatever its driver, and with Run only the tasks of drivers that notify
// are polled at the longer NotifiedPollInterval.
func TestTasksOfDriversThatNotifyArePolledAsAFallback(t *testing.T) {
	h := newHarness(t, held)
	h.driver.Notifies = true
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	req := executor.Request{Kind: executor.KindBackup, Key: types.NamespacedName{Namespace: ns, Name: "b1"}}
	var res executor.Result
	for range 4 {
		var err error
		res, err = h.ex.Reconcile(h.ctx, req)
		require.NoError(t, err)
	}
	require.Equal(t, v1alpha1.BackupInProgress, h.getBackup("b1").Status.Phase)
	assert.Equal(t, 2*time.Second, res.RequeueAfter, "no subscription: PollInterval")

	ctx, cancel := context.WithCancel(h.ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = h.ex.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()
	waitFor(t, "Run subscribed", func() bool {
		res, err := h.ex.Reconcile(h.ctx, req)
		return err == nil && res.RequeueAfter == time.Minute
	})
}
