package executor_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const ns = "demo"

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type harness struct {
	t      *testing.T
	ctx    context.Context
	clock  *clocktesting.FakeClock
	store  *memory.Store
	driver *memdriver.Driver
	events *record.FakeRecorder
	ex     *executor.Executor
	// repos are the repositories newExecutor registers.
	repos map[string]executor.Repository
}

func newHarness(t *testing.T, script func(*drivers.Task) memdriver.Outcome) *harness {
	h := &harness{t: t, ctx: context.Background(), clock: clocktesting.NewFakeClock(t0),
		driver: memdriver.New(script), events: record.NewFakeRecorder(1000)}
	h.driver.Clock = h.clock
	h.store = memory.New(memory.Options{Clock: h.clock.Now})
	t.Cleanup(func() { _ = h.store.Close() })
	h.ex = h.newExecutor()
	return h
}

// newExecutor builds an executor on the harness's store and driver, as a
// restarted engine would.
func (h *harness) newExecutor() *executor.Executor {
	return newEngine(h.config())
}

// config is the configuration of the harness's executor.
func (h *harness) config() executor.Config {
	return executor.Config{
		Store:   h.store,
		Drivers: drivers.Registry{"job": h.driver, "daemon": h.driver, "snapshot": h.driver},
		Targets: targets.Static{{Name: "pg-0", Host: "10.0.0.5", Labels: map[string]string{"app": "pg"},
			Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-pg-0"}}}}}},
		Clock:        h.clock,
		Events:       h.events,
		Repositories: h.repos,
	}
}

func tool() *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "pg-tool"}, Spec: v1alpha1.BackupToolSpec{
		Image:                     "postgres:16",
		BackupCommands:            []string{"pg_basebackup -D $BACKUP_DIR"},
		IncrementalBackupCommands: []string{"pg_basebackup --incremental $PARENT_BACKUP_DIR -D $BACKUP_DIR"},
		Physical:                  v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"restore-phy"}, IncrementalRestoreCommands: []string{"restore-incr"}},
		Logical:                   &v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"restore-logic"}, IncrementalRestoreCommands: []string{"restore-logic-incr"}},
	}}
}

func target() v1alpha1.TargetCluster {
	return v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}},
		Secret: &v1alpha1.BackupPolicySecret{Name: "pg-secret"}}
}

func backupPolicy(mut ...func(*v1alpha1.BackupPolicy)) *v1alpha1.BackupPolicy {
	p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "pg"}, Spec: v1alpha1.BackupPolicySpec{
		Datafile: &v1alpha1.CommonBackupPolicy{BasePolicy: v1alpha1.BasePolicy{Target: target()},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"}, BackupToolName: "pg-tool"},
		Snapshot: &v1alpha1.SnapshotPolicy{BasePolicy: v1alpha1.BasePolicy{Target: target()}},
	}}
	for _, m := range mut {
		m(p)
	}
	return p
}

func backup(name string, t v1alpha1.BackupType) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: t}}
}

// setup creates the tool and policy and validates the policy.
func (h *harness) setup(p *v1alpha1.BackupPolicy) {
	_, err := h.store.BackupTools().Create(h.ctx, tool())
	require.NoError(h.t, err)
	_, err = h.store.BackupPolicies().Create(h.ctx, p)
	require.NoError(h.t, err)
	_, err = h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: p.Name})
	require.NoError(h.t, err)
}

func (h *harness) create(b *v1alpha1.Backup) {
	_, err := h.store.Backups().Create(h.ctx, b)
	require.NoError(h.t, err)
}

func (h *harness) getBackup(name string) *v1alpha1.Backup {
	b, err := h.store.Backups().Get(h.ctx, ns, name)
	require.NoError(h.t, err)
	return b
}

// step advances the clock by a reconcile's requeue (or a second).
func (h *harness) step(res executor.Result) {
	d := res.RequeueAfter
	if d <= 0 {
		d = time.Second
	}
	h.clock.Step(d)
}

// runBackup reconciles the Backup until done returns true, at most max steps.
func (h *harness) runBackup(name string, max int, done func(*v1alpha1.Backup) bool) *v1alpha1.Backup {
	h.t.Helper()
	for range max {
		res, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
		require.NoError(h.t, err)
		b, err := h.store.Backups().Get(h.ctx, ns, name)
		if err == nil && done(b) {
			return b
		}
		h.step(res)
	}
	h.t.Fatalf("backup %s did not reach the expected state in %d steps", name, max)
	return nil
}

func terminalPhase(b *v1alpha1.Backup) bool { return b.Status.Phase.IsTerminal() }

// drainEvents returns the events recorded so far.
func (h *harness) drainEvents() []string {
	var out []string
	for {
		select {
		case e := <-h.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// reconcileUntilGone reconciles a Backup being deleted until it is gone.
func (h *harness) reconcileUntilGone(name string, max int) {
	h.t.Helper()
	for range max {
		res, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
		require.NoError(h.t, err)
		if _, err := h.store.Backups().Get(h.ctx, ns, name); err != nil {
			return
		}
		h.step(res)
	}
	h.t.Fatalf("backup %s was not deleted in %d steps", name, max)
}

// newEngine is executor.New for configurations a test knows are complete.
func newEngine(cfg executor.Config) *executor.Executor {
	ex, err := executor.New(cfg)
	if err != nil {
		panic(err)
	}
	return ex
}

// startedOf returns the tasks of kind the driver started.
func startedOf(h *harness, kind drivers.TaskKind) []drivers.Task {
	var out []drivers.Task
	for _, task := range h.driver.Started() {
		if task.Kind == kind {
			out = append(out, task)
		}
	}
	return out
}
