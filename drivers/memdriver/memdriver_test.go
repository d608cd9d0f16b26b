package memdriver_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func backupTask(id string) *drivers.Task {
	return &drivers.Task{ID: id, Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Storage: &drivers.Storage{ClaimName: "backups", Path: "demo/" + id}}
}

func TestConcurrentStartsOfOneIDExecuteItOnce(t *testing.T) {
	ctx := context.Background()
	d := memdriver.New(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { assert.NoError(t, d.Start(ctx, backupTask("b1-0-main"))) })
	}
	wg.Wait()
	assert.Equal(t, map[string]int{"b1-0-main": 1}, d.Executions())
	assert.Len(t, d.Started(), 1)
	st, err := d.Status(ctx, "b1-0-main")
	require.NoError(t, err)
	assert.Equal(t, drivers.Succeeded, st.Phase)
	assert.Equal(t, memdriver.Succeed().Artifacts, st.Artifacts, "a nil script succeeds with one artifact")
}

func TestStartRefusesMalformedAndUnsupportedTasks(t *testing.T) {
	ctx := context.Background()
	d := memdriver.New(nil)
	d.Caps = &drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeSnapshot}}
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(d.Start(ctx, backupTask("Not_A_Label"))))
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(d.Start(ctx, nil)))
	noStorage := backupTask("b1-0-main")
	noStorage.Storage = nil
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(d.Start(ctx, noStorage)), "drivers.ValidateTask's checks")
	assert.Equal(t, drivers.Unimplemented, drivers.ErrorCode(d.Start(ctx, backupTask("b1-0-main"))))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	snap := &drivers.Task{ID: "s1-0-main", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeSnapshot,
		Snapshot: &drivers.SnapshotSpec{Name: "s1"}}
	assert.Equal(t, drivers.Canceled, drivers.ErrorCode(d.Start(cancelled, snap)))
	assert.Empty(t, d.Executions(), "no refused Start executed a task")
}

func TestATaskPastItsDeadlineOnTheDriversClockFails(t *testing.T) {
	ctx := context.Background()
	clk := clocktesting.NewFakeClock(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	d := memdriver.New(func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 100} })
	d.Clock = clk
	task := backupTask("b1-0-main")
	task.Deadline = clk.Now().Add(time.Hour)
	require.NoError(t, d.Start(ctx, task))
	st, _ := d.Status(ctx, task.ID)
	require.Equal(t, drivers.Running, st.Phase, "the deadline is an hour away on the driver's clock")
	assert.Equal(t, clk.Now(), st.StartTime)
	clk.Step(time.Hour + time.Second)
	st, _ = d.Status(ctx, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)
	assert.Equal(t, clk.Now(), st.CompletionTime)
}

func TestCleanupForgetsATaskButNotItsRecord(t *testing.T) {
	ctx := context.Background()
	var d memdriver.Driver // the zero value works too
	require.NoError(t, d.Start(ctx, backupTask("b2-0-main")))
	require.NoError(t, d.Start(ctx, backupTask("b1-0-main")))
	assert.Equal(t, []string{"b1-0-main", "b2-0-main"}, d.Live())
	require.NoError(t, d.Cleanup(ctx, "b1-0-main"))
	_, err := d.Status(ctx, "b1-0-main")
	assert.True(t, drivers.IsNotFound(err))
	assert.Equal(t, []string{"b2-0-main"}, d.Live())
	require.NoError(t, d.Start(ctx, backupTask("b1-0-main")), "a cleaned-up ID starts again")
	assert.Equal(t, map[string]int{"b1-0-main": 2, "b2-0-main": 1}, d.Executions())
	assert.Len(t, d.Started(), 3)
}

func TestATaskThatIgnoresItsDeadlineKeepsRunning(t *testing.T) {
	ctx := context.Background()
	clk := clocktesting.NewFakeClock(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	d := memdriver.New(func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 100, IgnoreDeadline: true} })
	d.Clock = clk
	task := backupTask("b1-0-main")
	task.Deadline = clk.Now().Add(time.Hour)
	require.NoError(t, d.Start(ctx, task))
	clk.Step(2 * time.Hour)
	st, _ := d.Status(ctx, task.ID)
	assert.Equal(t, drivers.Running, st.Phase)
}
