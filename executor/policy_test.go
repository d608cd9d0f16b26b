package executor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func hourly(p *v1alpha1.BackupPolicy) {
	p.Spec.Schedule = &v1alpha1.Schedule{Datafile: &v1alpha1.SchedulePolicy{CronExpression: "0 * * * *", Enable: true}}
}

func (h *harness) reconcilePolicy() executor.Result {
	h.t.Helper()
	res, err := h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: "pg"})
	require.NoError(h.t, err)
	return res
}

func (h *harness) policy() *v1alpha1.BackupPolicy {
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(h.t, err)
	return p
}

func (h *harness) backups() []*v1alpha1.Backup {
	bs, err := h.store.Backups().List(h.ctx, ns, labels.Everything())
	require.NoError(h.t, err)
	return bs
}

func TestPolicyValidationWritesPhaseReasonAndGeneration(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupToolName = "nope" }))
	p := h.policy()
	assert.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, `spec.datafile.backupToolName: Not found: "nope"`)
	assert.Equal(t, p.Generation, p.Status.ObservedGeneration)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), "Warning InvalidPolicy")

	p.Spec.Datafile.BackupToolName = "pg-tool"
	_, err := h.store.BackupPolicies().Update(h.ctx, p)
	require.NoError(t, err)
	h.reconcilePolicy()
	p = h.policy()
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Empty(t, p.Status.FailureReason)
	assert.Equal(t, int64(2), p.Status.ObservedGeneration)
}

func TestPolicyFailsWhenNoDriverCanRunTheType(t *testing.T) {
	h := newHarness(t, nil)
	h.driver.Caps = &drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}
	h.setup(backupPolicy())
	p := h.policy()
	assert.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, `driver "snapshot" does not run backup tasks of snapshot backups`)
}

func TestScheduleCreatesOneBackupPerSlot(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy(hourly))
	assert.Empty(t, h.backups(), "no slot is due at creation")

	h.clock.SetTime(t0.Add(time.Hour + 30*time.Second))
	res := h.reconcilePolicy()
	h.reconcilePolicy() // again: the same slot yields no second Backup
	h.ex = h.newExecutor()
	h.reconcilePolicy() // nor after a restart
	bs := h.backups()
	require.Len(t, bs, 1)
	b := bs[0]
	assert.Equal(t, "pg-datafile-20261125110000", b.Name)
	assert.Equal(t, "pg", b.Labels[v1alpha1.LabelBackupPolicy])
	assert.Equal(t, "datafile", b.Labels[v1alpha1.LabelBackupType])
	assert.Equal(t, "true", b.Labels[v1alpha1.LabelAutoBackup])
	assert.Equal(t, "2026-11-25T11:00:00Z", b.Annotations[v1alpha1.AnnotationScheduledTime])
	assert.Equal(t, time.Hour-30*time.Second, res.RequeueAfter, "comes back at the next slot")
	assert.Equal(t, t0.Add(time.Hour), h.policy().Status.LastScheduleTime.Time)
	assert.Nil(t, h.policy().Status.LastSuccessfulTime, "no backup completed yet")

	h.runBackup(b.Name, 20, terminalPhase)
	h.reconcilePolicy()
	last := h.policy().Status.LastSuccessfulTime
	require.NotNil(t, last, "lastSuccessfulTime is a completed backup's time")
	assert.Equal(t, h.getBackup(b.Name).Status.CompletionTimestamp.Time, last.Time)
}

func TestMissedSlotsRunOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy(hourly))
	h.clock.SetTime(t0.Add(5*time.Hour + time.Minute))
	h.reconcilePolicy()
	bs := h.backups()
	require.Len(t, bs, 1, "five missed slots, one run")
	assert.Equal(t, "pg-datafile-20261125150000", bs[0].Name)
}

func TestDisabledScheduleCreatesNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		hourly(p)
		p.Spec.Schedule.Datafile.Enable = false
	}))
	h.clock.SetTime(t0.Add(3 * time.Hour))
	h.reconcilePolicy()
	assert.Empty(t, h.backups())
}

func TestRetentionDeletesExpiredBackups(t *testing.T) {
	h := newHarness(t, nil)
	ttl := "1h"
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl} }))
	h.create(backup("old", v1alpha1.BackupTypeDataFile))
	h.runBackup("old", 20, terminalPhase)
	res := h.reconcilePolicy()
	assert.Len(t, h.backups(), 1)
	assert.Greater(t, res.RequeueAfter, time.Duration(0), "comes back at the expiration")

	h.clock.Step(2 * time.Hour)
	h.reconcilePolicy()
	b := h.getBackup("old")
	require.NotNil(t, b.DeletionTimestamp, "the expired Backup is being deleted")
	h.reconcileUntilGone("old", 10)
}

func TestHistoryLimitKeepsTheNewestGoodBackupsDespiteFailures(t *testing.T) {
	fail := map[string]bool{}
	h := newHarness(t, failing(fail))
	h.runHours(fail, 6, func(hour int) bool { return hour > 3 }) // the three newest fail
	h.reconcilePolicy()
	var completed, failed []string
	for _, b := range h.backups() {
		if b.DeletionTimestamp != nil {
			continue
		}
		if b.Status.Phase == v1alpha1.BackupCompleted {
			completed = append(completed, b.Name)
		} else {
			failed = append(failed, b.Name)
		}
	}
	assert.Equal(t, []string{"pg-datafile-20261125120000", "pg-datafile-20261125130000"}, completed)
	assert.Equal(t, []string{"pg-datafile-20261125150000", "pg-datafile-20261125160000"}, failed)
}

// runHours sets up an hourly policy that keeps 2 datafile Backups, then
// runs hours of it: each hour the clock moves on, the policy's schedule
// fires and its Backup runs to its end, failed when failAt(hour) says so
// (fail is the map of the harness's failing script).
func (h *harness) runHours(fail map[string]bool, hours int, failAt func(hour int) bool) {
	limit := int32(2)
	h.setup(backupPolicy(hourly, func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.BackupsHistoryLimit = &limit }))
	for hour := 1; hour <= hours; hour++ {
		h.clock.SetTime(t0.Add(time.Duration(hour)*time.Hour + time.Second))
		h.reconcilePolicy()
		name := "pg-datafile-20261125" + twoDigits(10+hour) + "0000"
		fail[name] = failAt(hour)
		h.runBackup(name, 20, terminalPhase)
	}
}

// failing is a driver script that fails the tasks of the Backups named in
// fail (which the test may fill as it goes) and completes the others.
func failing(fail map[string]bool) func(*drivers.Task) memdriver.Outcome {
	return func(task *drivers.Task) memdriver.Outcome {
		if fail[task.Owner.Name] {
			return memdriver.Outcome{Fail: true, Message: "boom"}
		}
		return memdriver.Outcome{}
	}
}

func twoDigits(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }
