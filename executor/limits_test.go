package executor_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/repository"
	repomem "github.com/dpsdk/dataprotection/repository/memory"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The limits of TestLimitsHoldUnder500BackupsAndACrash: six policies, two
// per node on three nodes, three per repository.
var stressLimits = executor.Limits{Total: 5, PerNode: 3, PerPolicy: 2, PerRepository: 4}

// limitChecker wraps a store and checks, after every write, that the
// running Backups stay within the limits; it records the highest count of
// each scope. An engine writes InProgress under its admission lock, so no
// other start interleaves with the check of one. kill makes every later
// call of one engine fail, as if its process died there.
type limitChecker struct {
	store.Store
	t      *testing.T
	mu     sync.Mutex
	limits executor.Limits
	max    map[string]int
	dead   *atomic.Bool
}

func (c *limitChecker) Backups() store.Resource[*v1alpha1.Backup] {
	return checkedBackups{Resource: c.Store.Backups(), c: c}
}

type checkedBackups struct {
	store.Resource[*v1alpha1.Backup]
	c *limitChecker
}

var errDead = apierrors.NewServiceUnavailable("the engine died")

func (r checkedBackups) UpdateStatus(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	if r.c.dead.Load() {
		return nil, errDead
	}
	out, err := r.Resource.UpdateStatus(ctx, b)
	if err == nil && out.Status.Phase == v1alpha1.BackupInProgress {
		r.c.check(ctx)
	}
	return out, err
}

func (r checkedBackups) Update(ctx context.Context, b *v1alpha1.Backup) (*v1alpha1.Backup, error) {
	if r.c.dead.Load() {
		return nil, errDead
	}
	return r.Resource.Update(ctx, b)
}

// check counts the running Backups per scope in the store.
func (c *limitChecker) check(ctx context.Context) {
	running, err := c.Store.Backups().ListBy(ctx, "", store.IndexPhase, string(v1alpha1.BackupInProgress))
	if ctx.Err() != nil {
		return // the engine was killed between its write and this count
	}
	require.NoError(c.t, err)
	n := map[string]int{}
	for _, b := range running {
		n["total"]++
		n["node "+b.Annotations[v1alpha1.AnnotationTargetNode]]++
		n["policy "+b.Spec.BackupPolicyName]++
		n["repository "+stressRepository(b.Spec.BackupPolicyName)]++
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for scope, v := range n {
		c.max[scope] = max(c.max[scope], v)
		limit := map[string]int{"total": c.limits.Total, "node": c.limits.PerNode, "policy": c.limits.PerPolicy,
			"repository": c.limits.PerRepository}[scope[:min(len(scope), len(firstWord(scope)))]]
		assert.LessOrEqual(c.t, v, limit, "running Backups in scope %s", scope)
	}
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

// stressRepository is the repository of a policy of the stress test.
func stressRepository(policy string) string {
	var i int
	_, _ = fmt.Sscanf(policy, "p%d", &i)
	return fmt.Sprintf("repo-%d", i/3)
}

// stressRepositories registers the stress policies' repositories, in
// memory: the per-repository limit counts the policies that name one.
func stressRepositories() map[string]executor.Repository {
	repos := map[string]executor.Repository{}
	for i := range 2 {
		repos[fmt.Sprintf("repo-%d", i)] = executor.Repository{
			Repository: repository.New(repomem.New(), "mem://"), URL: "file:///backups"}
	}
	return repos
}

// stressPolicies are six policies, p0…p5: p<i> backs up the target on
// node n<i/2>, into repository repo-<i/3>.
func stressPolicies() ([]*v1alpha1.BackupPolicy, targets.Static) {
	var ps []*v1alpha1.BackupPolicy
	var ts targets.Static
	for i := range 6 {
		app := fmt.Sprintf("pg%d", i)
		ts = append(ts, drivers.Target{Name: app + "-0", Host: "10.0.0.1", Node: fmt.Sprintf("n%d", i/2),
			Labels: map[string]string{"app": app}})
		ps = append(ps, backupPolicy(func(p *v1alpha1.BackupPolicy) {
			p.Name = fmt.Sprintf("p%d", i)
			p.Annotations = map[string]string{v1alpha1.AnnotationRepository: stressRepository(p.Name)}
			p.Spec.Snapshot = nil
			p.Spec.Datafile.Target.LabelsSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
		}))
	}
	return ps, ts
}

func TestLimitsHoldUnder500BackupsAndACrash(t *testing.T) {
	mem := memory.New(memory.Options{})
	defer mem.Close()
	runLimitStress(t, ns, 500, mem, func() store.Store { return mem })
}

// runLimitStress creates n Backups of the stress policies in namespace at
// once, runs an engine on first until a third completed, kills it there
// (its later writes fail) and runs a new engine on the store restart
// returns until all completed, checking the limits after every start.
func runLimitStress(t *testing.T, namespace string, n int, first store.Store, restart func() store.Store) {
	drv := memdriver.New(randomPolls())
	policies, ts := stressPolicies()
	createStress(t, first, namespace, policies, n)
	max := map[string]int{}
	engine := func(st store.Store, dead *atomic.Bool) *executor.Executor {
		checked := &limitChecker{Store: st, t: t, limits: stressLimits, max: max, dead: dead}
		return newEngine(executor.Config{Store: checked, Drivers: drivers.Registry{"job": drv, "daemon": drv, "snapshot": drv},
			Targets: ts, Workers: 8, BackupLimits: stressLimits, Repositories: stressRepositories(),
			Options: executor.Options{PollInterval: 5 * time.Millisecond}})
	}
	var firstDead atomic.Bool
	stop := runUntil(t, engine(first, &firstDead), func() bool { return completed(t, first, namespace) >= n/3 })
	firstDead.Store(true) // the first engine dies in the middle of its work...
	stop()
	t.Logf("the first engine died with %d of %d Backups completed", completed(t, first, namespace), n)
	second := restart()
	stop = runUntil(t, engine(second, new(atomic.Bool)), func() bool { return completed(t, second, namespace) == n })
	stop() // ...and a new one finishes on the same store and driver

	for id, runs := range drv.Executions() {
		assert.Equal(t, 1, runs, "task %s ran once", id)
	}
	assert.Equal(t, stressLimits.Total, max["total"], "the total limit was reached, never exceeded")
	t.Logf("highest counts: %v", max)
}

// randomPolls is a script whose tasks run for 0 to 2 polls.
func randomPolls() func(*drivers.Task) memdriver.Outcome {
	r := rand.New(rand.NewPCG(3, 4))
	var mu sync.Mutex
	return func(*drivers.Task) memdriver.Outcome {
		mu.Lock()
		defer mu.Unlock()
		out := memdriver.Succeed()
		out.Polls = r.IntN(3)
		return out
	}
}

// createStress creates the tool, the policies in namespace and n Backups
// of them at once.
func createStress(t *testing.T, st store.Store, namespace string, policies []*v1alpha1.BackupPolicy, n int) {
	ctx := context.Background()
	_, err := st.BackupTools().Create(ctx, tool())
	if !apierrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
	for _, p := range policies {
		p.Namespace = namespace
		_, err := st.BackupPolicies().Create(ctx, p)
		require.NoError(t, err)
	}
	require.NoError(t, forEach(n, 4, func(i int) error {
		b := backup(fmt.Sprintf("b%03d", i), v1alpha1.BackupTypeDataFile)
		b.Namespace, b.Spec.BackupPolicyName = namespace, policies[i%len(policies)].Name
		_, err := st.Backups().Create(ctx, b)
		return err
	}))
}

// runUntil runs ex until done holds (polled every 10 ms, for at most a
// minute) and returns the function that stops it.
func runUntil(t *testing.T, ex *executor.Executor, done func() bool) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = ex.Run(ctx) })
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, time.Minute, true,
		func(context.Context) (bool, error) { return done(), nil })
	require.NoError(t, err)
	return func() { cancel(); wg.Wait() }
}

func completed(t *testing.T, s store.Store, namespace string) int {
	bs, err := s.Backups().ListBy(context.Background(), namespace, store.IndexPhase, string(v1alpha1.BackupCompleted))
	require.NoError(t, err)
	return len(bs)
}

// forEach calls f(0) … f(n−1) on workers goroutines and returns the
// errors.
func forEach(n, workers int, f func(i int) error) error {
	next := make(chan int)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func TestAWaitingBackupSaysWhyAndStartsInCreationOrder(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 1} })
	cfg := h.config()
	cfg.BackupLimits = executor.Limits{Total: 1}
	ex := newEngine(cfg)
	h.setup(backupPolicy())
	for _, name := range []string{"c", "a", "b"} { // created in this order, a second apart
		h.create(backup(name, v1alpha1.BackupTypeDataFile))
		h.clock.Step(time.Second)
	}
	var started []string
	for range 30 {
		for _, name := range []string{"a", "b", "c"} {
			before := h.getBackup(name).Status.Phase
			_, err := ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: name})
			require.NoError(t, err)
			if b := h.getBackup(name); before == "" && b.Status.Phase == v1alpha1.BackupInProgress {
				started = append(started, name)
				assert.NotContains(t, b.Annotations, v1alpha1.AnnotationWaiting, "the note goes when it starts")
			}
		}
		if len(started) == 1 {
			b := h.getBackup("b")
			assert.Empty(t, b.Status.Phase, "phase stays New")
			assert.Equal(t, "waiting: 1 backups run in all, the limit", b.Annotations[v1alpha1.AnnotationWaiting])
		}
	}
	assert.Equal(t, []string{"c", "a", "b"}, started, "in the order of creation, not of reconciles")
	assert.Contains(t, h.drainEvents(), corev1.EventTypeNormal+" Waiting waiting: 1 backups run in all, the limit")
}

func TestRestoresWaitForTheirOwnLimitAndAreWokenWhenOneFinishes(t *testing.T) {
	h := newHarness(t, nil)
	cfg := h.config()
	cfg.RestoreLimits = executor.Limits{PerNode: 1}
	cfg.Targets = targets.Static{{Name: "pg-0", Host: "10.0.0.5", Node: "n1", Labels: map[string]string{"app": "pg"}}}
	h.ex = newEngine(cfg)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 20, terminalPhase)
	for _, name := range []string{"r1", "r2"} {
		_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob(name, "b1"))
		require.NoError(t, err)
		h.clock.Step(time.Second)
	}
	key := func(name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }
	_, err := h.ex.ReconcileRestoreJob(h.ctx, key("r1"))
	require.NoError(t, err)
	res, err := h.ex.ReconcileRestoreJob(h.ctx, key("r2"))
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, res.RequeueAfter, "checked again after LimitRecheckInterval")
	r2, err := h.store.RestoreJobs().Get(h.ctx, ns, "r2")
	require.NoError(t, err)
	assert.Empty(t, r2.Status.Phase)
	assert.Equal(t, "waiting: 1 restores run on node n1, the limit per node", r2.Annotations[v1alpha1.AnnotationWaiting])

	before, err := h.store.RestoreJobs().Get(h.ctx, ns, "r1")
	require.NoError(t, err)
	r1 := h.runRestore("r1", 20)
	woken, err := h.ex.Router().Route(h.ctx, before, r1)
	require.NoError(t, err)
	assert.Contains(t, woken, executor.Request{Kind: executor.KindRestoreJob, Key: key("r2")}, "a finished restore wakes the next")
	assert.Equal(t, v1alpha1.RestoreJobCompleted, h.runRestore("r2", 20).Status.Phase)
	r2, err = h.store.RestoreJobs().Get(h.ctx, ns, "r2")
	require.NoError(t, err)
	assert.NotContains(t, r2.Annotations, v1alpha1.AnnotationWaiting)
}

func TestANegativeLimitIsInvalid(t *testing.T) {
	h := newHarness(t, nil)
	cfg := h.config()
	cfg.RestoreLimits.PerPolicy = -1
	_, err := executor.New(cfg)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
}
