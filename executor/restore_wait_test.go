package executor_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// database is a target whose database the test starts and stops: a
// targets.Resolver with a readiness check, as a host gives its local
// targets one.
type database struct {
	running atomic.Bool
	static  targets.Static
}

func (d *database) Targets(ctx context.Context, namespace string, sel labels.Selector) ([]drivers.Target, error) {
	return targets.WithReadiness(d.static, func(context.Context, drivers.Target) bool { return d.running.Load() }).
		Targets(ctx, namespace, sel)
}

// restoreWithDatabase runs a Backup, then creates a RestoreJob whose target
// is db (stopped), with a driver that records whether db was running when
// each logical restore task started.
func restoreWithDatabase(t *testing.T, timeout time.Duration) (*harness, *database, *[]bool) {
	var mu sync.Mutex
	var sawRunning []bool
	db := &database{}
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindRestore && strings.HasSuffix(task.ID, "-logic") {
			mu.Lock()
			sawRunning = append(sawRunning, db.running.Load())
			mu.Unlock()
		}
		return memdriver.Outcome{}
	})
	cfg := h.config()
	db.static = cfg.Targets.(targets.Static)
	cfg.Targets = db
	cfg.Options.TargetReadyTimeout = timeout
	h.ex = newEngine(cfg)
	db.running.Store(true) // the source runs during the backup
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	db.running.Store(false) // stopped for the physical restore
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	return h, db, &sawRunning
}

// TestLogicalRestoreWaitsForARunningDatabase: the logical restore commands,
// which must observe a running database, start only once the target is
// ready again after the physical restore.
func TestLogicalRestoreWaitsForARunningDatabase(t *testing.T) {
	h, db, sawRunning := restoreWithDatabase(t, time.Hour)
	for range 10 {
		h.reconcileRestore("r1")
	}
	r, err := h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.RestoreJobInProgressLogic, r.Status.Phase)
	assert.Empty(t, *sawRunning, "no logical restore while the database is down")
	assert.NotEmpty(t, r.Annotations[v1alpha1.AnnotationTargetWaitSince])
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "WaitingForTarget")

	db.running.Store(true)
	r = h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	assert.Equal(t, []bool{true}, *sawRunning, "the logical restore ran once, with the database running")
}

// TestLogicalRestoreFailsWhenTheTargetNeverGetsReady: past
// TargetReadyTimeout the RestoreJob fails with a reason that says so.
func TestLogicalRestoreFailsWhenTheTargetNeverGetsReady(t *testing.T) {
	h, _, sawRunning := restoreWithDatabase(t, 10*time.Minute)
	r := h.runRestore("r1", 1000)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Equal(t, "target pg-0 was not ready within 10m0s (TargetReadyTimeout) after the physical restore: "+
		"the logical restore needs the database running", r.Status.FailureReason)
	assert.Empty(t, *sawRunning)
	since, err := time.Parse(time.RFC3339, r.Annotations[v1alpha1.AnnotationTargetWaitSince])
	require.NoError(t, err)
	assert.GreaterOrEqual(t, r.Status.CompletionTimestamp.Sub(since), 10*time.Minute)
}

// reconcileRestore reconciles the RestoreJob once and steps the clock.
func (h *harness) reconcileRestore(name string) {
	h.t.Helper()
	res, err := h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
	require.NoError(h.t, err)
	h.step(res)
}
