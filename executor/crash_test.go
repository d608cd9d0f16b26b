package executor_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/bolt"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The crash-safety harness runs a scenario (a policy with a schedule,
// scheduled and manual backups, a failed run retried, a restore, a manual
// deletion, retention by ttl and history limit) and kills the engine right
// after its k-th store write or driver call, for every k, then restarts it
// on the same store and driver and lets the scenario go on. The end state
// must equal that of an uninterrupted run, with no task executed twice and
// nothing left in progress.

// crashStoreFactory makes a fresh store for one run of the scenario, and a
// function that gives the store a restarted engine uses: the same one for
// the memory store, the same file reopened for bolt.
type crashStoreFactory func(t *testing.T) (store.Store, func(store.Store) store.Store)

func TestCrashSafetyMemoryStore(t *testing.T) {
	runCrashHarness(t, func(t *testing.T) (store.Store, func(store.Store) store.Store) {
		return memory.New(memory.Options{Clock: crashClock.Now}), func(s store.Store) store.Store { return s }
	}, fullScenario)
}

func TestCrashSafetyBoltStore(t *testing.T) {
	if testing.Short() {
		t.Skip("the bolt crash harness reopens a database per kill point; skipped with -short")
	}
	runCrashHarness(t, func(t *testing.T) (store.Store, func(store.Store) store.Store) {
		path := filepath.Join(t.TempDir(), "dp.db")
		open := func() store.Store {
			st, err := bolt.New(path, bolt.Options{NoSync: true, Clock: crashClock.Now})
			require.NoError(t, err)
			return st
		}
		return open(), func(old store.Store) store.Store {
			require.NoError(t, old.Close())
			return open()
		}
	}, fullScenario)
}

// crashClock is shared by the store and the engine of one run; runs are
// sequential, each resets it.
var crashClock = clocktesting.NewFakeClock(t0)

// scenario is a list of steps (user actions followed by reconcile rounds),
// a check of the uninterrupted run's end state, and the stride between the
// kill points tried (1: every one).
type scenario struct {
	steps  []func(w *world)
	check  func(t *testing.T, want endState)
	stride int
}

// fullScenario has schedules, retention, a retried run, a restore and a
// manual deletion.
var fullScenario = scenario{steps: scenarioSteps, stride: 1, check: func(t *testing.T, want endState) {
	all := strings.Join(want.objects, "\n")
	require.Contains(t, all, `restore restore phase=Completed`, "the scenario restores")
	require.Contains(t, all, `policy phase=Available`)
	require.NotContains(t, all, "backup manual ", "the manual backup was deleted")
	require.Contains(t, all, "backup pg-datafile-20261125160000 phase=Completed")
	require.Contains(t, strings.Join(want.executions, ","), "manual-UID-1-main", "the failed run was retried")
}}

func runCrashHarness(t *testing.T, newStore crashStoreFactory, sc scenario) {
	want, total := runScenario(t, newStore, sc, 0)
	t.Logf("uninterrupted run: %d store writes and driver calls", total)
	require.Greater(t, total, 30)
	sc.check(t, want)
	var duplicates, stuck, lost, tried int
	for k := 1; k <= total; k += sc.stride {
		tried++
		got, _ := runScenario(t, newStore, sc, k)
		duplicates += got.duplicates
		stuck += got.stuck
		if diff := got.diff(want); diff != "" {
			lost++
			t.Errorf("kill after call %d: end state differs:\n%s", k, diff)
		}
	}
	t.Logf("kill points tried: %d of %d; duplicates: %d; stuck: %d; lost or different: %d", tried, total, duplicates, stuck, lost)
	require.Zero(t, duplicates, "no task executed twice")
	require.Zero(t, stuck, "nothing left in progress")
}

// errKilled is what the kill switch panics with.
var errKilled = errors.New("engine killed")

// killSwitch counts calls and panics right after the k-th one (0: never).
type killSwitch struct {
	mu    sync.Mutex
	n, k  int
	fired bool
}

func (s *killSwitch) tick() {
	s.mu.Lock()
	s.n++
	fire := s.k > 0 && !s.fired && s.n == s.k
	if fire {
		s.fired = true
	}
	s.mu.Unlock()
	if fire {
		panic(errKilled)
	}
}

type crashResource[T store.Object] struct {
	store.Resource[T]
	ks *killSwitch
}

// ListByShared keeps the store's shared reads on the harness's path.
func (r crashResource[T]) ListByShared(ctx context.Context, namespace string, idx store.Index, value string) ([]T, error) {
	return store.ListByShared(ctx, r.Resource, namespace, idx, value)
}

func (r crashResource[T]) Create(ctx context.Context, o T) (T, error) {
	defer r.ks.tick()
	return r.Resource.Create(ctx, o)
}

func (r crashResource[T]) Update(ctx context.Context, o T) (T, error) {
	defer r.ks.tick()
	return r.Resource.Update(ctx, o)
}

func (r crashResource[T]) UpdateStatus(ctx context.Context, o T) (T, error) {
	defer r.ks.tick()
	return r.Resource.UpdateStatus(ctx, o)
}

func (r crashResource[T]) Delete(ctx context.Context, ns, name, uid string) error {
	defer r.ks.tick()
	return r.Resource.Delete(ctx, ns, name, uid)
}

type crashStore struct {
	store.Store
	ks *killSwitch
}

func (s crashStore) Backups() store.Resource[*v1alpha1.Backup] {
	return crashResource[*v1alpha1.Backup]{s.Store.Backups(), s.ks}
}

func (s crashStore) BackupPolicies() store.Resource[*v1alpha1.BackupPolicy] {
	return crashResource[*v1alpha1.BackupPolicy]{s.Store.BackupPolicies(), s.ks}
}

func (s crashStore) BackupTools() store.Resource[*v1alpha1.BackupTool] {
	return crashResource[*v1alpha1.BackupTool]{s.Store.BackupTools(), s.ks}
}

func (s crashStore) RestoreJobs() store.Resource[*v1alpha1.RestoreJob] {
	return crashResource[*v1alpha1.RestoreJob]{s.Store.RestoreJobs(), s.ks}
}

type crashDriver struct {
	drivers.Driver
	ks *killSwitch
}

func (d crashDriver) Start(ctx context.Context, t *drivers.Task) error {
	defer d.ks.tick()
	return d.Driver.Start(ctx, t)
}

func (d crashDriver) Status(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	defer d.ks.tick()
	return d.Driver.Status(ctx, id)
}

func (d crashDriver) Cancel(ctx context.Context, id string) error {
	defer d.ks.tick()
	return d.Driver.Cancel(ctx, id)
}

func (d crashDriver) Cleanup(ctx context.Context, id string) error {
	defer d.ks.tick()
	return d.Driver.Cleanup(ctx, id)
}

// world is one run of the scenario.
type world struct {
	ctx    context.Context
	store  store.Store
	reopen func(store.Store) store.Store
	drv    *memdriver.Driver
	ks     *killSwitch
	ex     *executor.Executor
}

func (w *world) restart() {
	d := crashDriver{w.drv, w.ks}
	w.ex = newEngine(executor.Config{
		Store:   crashStore{w.store, w.ks},
		Drivers: drivers.Registry{"job": d, "daemon": d, "snapshot": d},
		Targets: targets.Static{{Name: "pg-0", Host: "10.0.0.5", Labels: map[string]string{"app": "pg"}}},
		Clock:   crashClock,
	})
}

// runScenario runs the scenario, killing the engine after call k (0:
// never); it returns the end state and the number of counted calls.
func runScenario(t *testing.T, newStore crashStoreFactory, sc scenario, k int) (endState, int) {
	crashClock.SetTime(t0)
	st, reopen := newStore(t)
	w := &world{ctx: context.Background(), store: st, reopen: reopen, ks: &killSwitch{k: k},
		drv: memdriver.New(func(task *drivers.Task) memdriver.Outcome {
			if strings.HasPrefix(task.ID, "manual-") && strings.HasSuffix(task.ID, "-0-main") {
				return memdriver.Outcome{Polls: 1, Fail: true, Message: "first attempt fails"}
			}
			return memdriver.Outcome{Polls: 1, TotalSize: 2048,
				Artifacts: []drivers.Artifact{{Path: "data", Size: 2048, Checksum: "sha256:" + task.ID}}}
		})}
	w.drv.Clock = crashClock
	defer func() { _ = w.store.Close() }()
	w.restart()
	for i := 0; i < len(sc.steps); {
		if w.runStep(sc.steps[i]) {
			// The engine died: a new one starts on the same store (reopened)
			// and the same driver backend.
			w.store = w.reopen(w.store)
			w.restart()
			continue
		}
		i++
	}
	return w.endState(t), w.ks.n
}

// runStep runs one step; true when the engine was killed in it.
func (w *world) runStep(step func(w *world)) (killed bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != errKilled {
				panic(r)
			}
			killed = true
		}
	}()
	step(w)
	return false
}

// round reconciles every object a few times, as the loop would.
func (w *world) round() {
	for range 10 {
		ps, _ := w.store.BackupPolicies().List(w.ctx, ns, labels.Everything())
		for _, p := range ps {
			_, _ = w.ex.ReconcileBackupPolicy(w.ctx, types.NamespacedName{Namespace: ns, Name: p.Name})
		}
		bs, _ := w.store.Backups().List(w.ctx, ns, labels.Everything())
		for _, b := range bs {
			_, _ = w.ex.ReconcileBackup(w.ctx, types.NamespacedName{Namespace: ns, Name: b.Name})
		}
		rs, _ := w.store.RestoreJobs().List(w.ctx, ns, labels.Everything())
		for _, r := range rs {
			_, _ = w.ex.ReconcileRestoreJob(w.ctx, types.NamespacedName{Namespace: ns, Name: r.Name})
		}
	}
}

func ignoreExists(err error) {
	if err != nil && (drivers.ErrorCode(err) != drivers.AlreadyExists) && !drivers.IsNotFound(err) {
		panic(err)
	}
}

var scenarioSteps = []func(w *world){
	func(w *world) { // the user creates a tool and an hourly policy keeping 2 good backups for 3h
		_, err := w.store.BackupTools().Create(w.ctx, tool())
		ignoreExists(err)
		ttl, limit := "3h", int32(2)
		_, err = w.store.BackupPolicies().Create(w.ctx, backupPolicy(hourly, func(p *v1alpha1.BackupPolicy) {
			p.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl}
			p.Spec.Datafile.BackupsHistoryLimit = &limit
			p.Spec.Datafile.OnFailAttempted = 1
		}))
		ignoreExists(err)
		w.round()
	},
	func(w *world) { crashClock.SetTime(t0.Add(time.Hour + time.Minute)); w.round() },
	func(w *world) { crashClock.SetTime(t0.Add(2*time.Hour + time.Minute)); w.round() },
	func(w *world) { // a manual backup whose first run fails and is retried
		_, err := w.store.Backups().Create(w.ctx, backup("manual", v1alpha1.BackupTypeDataFile))
		ignoreExists(err)
		w.round()
	},
	func(w *world) { // a restore of the first scheduled backup
		_, err := w.store.RestoreJobs().Create(w.ctx, restoreJob("restore", "pg-datafile-20261125110000"))
		ignoreExists(err)
		w.round()
	},
	func(w *world) { crashClock.SetTime(t0.Add(3*time.Hour + time.Minute)); w.round() },
	func(w *world) { crashClock.SetTime(t0.Add(4*time.Hour + time.Minute)); w.round() },
	func(w *world) { // the user deletes the manual backup
		ignoreExists(w.store.Backups().Delete(w.ctx, ns, "manual", ""))
		w.round()
	},
	func(w *world) { crashClock.SetTime(t0.Add(6*time.Hour + 30*time.Minute)); w.round() },
}

// endState is what a run leaves behind, without volatile fields.
type endState struct {
	objects    []string
	executions []string
	duplicates int
	stuck      int
}

func (w *world) endState(t *testing.T) endState {
	var s endState
	bs, err := w.store.Backups().List(w.ctx, ns, labels.Everything())
	require.NoError(t, err)
	for _, b := range bs {
		st := b.Status
		s.objects = append(s.objects, fmt.Sprintf("backup %s phase=%s size=%s reason=%q deleting=%v start=%s done=%s exp=%s ann=%v",
			b.Name, st.Phase, st.TotalSize, st.FailureReason, b.DeletionTimestamp != nil, ts(st.StartTimestamp),
			ts(st.CompletionTimestamp), ts(st.Expiration), uidHash.ReplaceAllString(fmt.Sprint(b.Annotations), "-UID-$1-")))
		if !st.Phase.IsTerminal() {
			s.stuck++
		}
	}
	p, err := w.store.BackupPolicies().Get(w.ctx, ns, "pg")
	require.NoError(t, err)
	s.objects = append(s.objects, fmt.Sprintf("policy phase=%s gen=%d lastSchedule=%s lastSuccess=%s",
		p.Status.Phase, p.Status.ObservedGeneration, ts(p.Status.LastScheduleTime), ts(p.Status.LastSuccessfulTime)))
	rs, err := w.store.RestoreJobs().List(w.ctx, ns, labels.Everything())
	require.NoError(t, err)
	for _, r := range rs {
		s.objects = append(s.objects, fmt.Sprintf("restore %s phase=%s reason=%q tasks=%s", r.Name, r.Status.Phase, r.Status.FailureReason,
			uidHash.ReplaceAllString(r.Annotations[v1alpha1.AnnotationTasks], "-UID-$1-")))
		if !r.Status.Phase.IsTerminal() {
			s.stuck++
		}
	}
	for id, n := range w.drv.Executions() {
		s.executions = append(s.executions, uidHash.ReplaceAllString(id, "-UID-$1-"))
		if n > 1 {
			s.duplicates += n - 1
			t.Logf("task %s executed %d times", id, n)
		}
	}
	sort.Strings(s.executions)
	return s
}

// uidHash is the part of a task ID that comes from the owner's random UID.
var uidHash = regexp.MustCompile(`-[0-9a-f]{8}-([0-9]+)-`)

func ts(t *metav1.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func (s endState) diff(want endState) string {
	var out []string
	if strings.Join(s.objects, "\n") != strings.Join(want.objects, "\n") {
		out = append(out, "objects:\n  got:  "+strings.Join(s.objects, "\n        ")+"\n  want: "+strings.Join(want.objects, "\n        "))
	}
	if strings.Join(s.executions, ",") != strings.Join(want.executions, ",") {
		out = append(out, fmt.Sprintf("executions:\n  got:  %v\n  want: %v", s.executions, want.executions))
	}
	return strings.Join(out, "\n")
}
