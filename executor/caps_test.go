package executor_test

import (
	"cmp"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Objects at the caps of types/v1alpha1/limits.go: valid, so the stores
// accept them and the engine runs them. TestObjectsAtTheCapsAreBounded
// runs the whole life of a policy, its backups, a restore and their
// deletion with one list at a time at its cap (and once with every list at
// its cap), measuring every reconcile, and logs one line per cap. Measured with the memory store and memdriver
// (go test [-race] -run AtTheCaps ./executor/; linux/amd64, 2 cores shared
// with other work, so single slow reconciles are noise): the slowest
// reconcile and the most one reconcile allocated, of a scenario's 28
// reconciles (92 with the status updates, 828 with the retries, 4194 all at
// once).
//
//	cap                               value   slowest  (-race)   most alloc  (-race)
//	none (baseline)                       -    1.3 ms    11 ms       39 KiB   233 KiB
//	env                                1000    9.1 ms   9.8 ms      992 KiB  1194 KiB
//	envFrom                             100    4.0 ms   1.4 ms       68 KiB   219 KiB
//	each command list                   100   0.3-36 ms  1-6 ms   43-80 KiB  190-342 KiB
//	backupStatusUpdates                  32    9.0 ms    90 ms      427 KiB   630 KiB
//	snapshot hooks pre/post             100    1.4 ms   8.0 ms       86 KiB   308 KiB
//	onFailAttempted (101 runs each)     100     48 ms   209 ms     1351 KiB  1438 KiB
//	targetVolumes / targetVolumeMounts  100    4.6 ms    55 ms      720 KiB  2651 KiB
//	every list at once                    -   1146 ms   524 ms   102.4 MiB 103.3 MiB
//
// At every single cap the live heap grows by under 1 MiB. All at once, the
// worst reconcile is the RestoreJob's expiry (it plans each of the 101
// attempts' tasks, each with the 1000 env entries): about 100 MiB, so that
// case has bounds of its own; its live heap (+26 MiB) is memdriver's record
// of every task started.
//
// The bounds asserted (capReconcileAlloc, capLiveHeap) are five to fifty
// times the worst -race measurement: the work is linear in each list, so a
// quadratic regression at these sizes (100 to 1000 elements) exceeds them.
// The time bound is fifty times the worst single-cap reconcile: it is the
// slowest of hundreds of reconciles on a shared machine, where one stall
// is not a regression; the allocation bound catches those first.
const (
	// capReconcileTime bounds one reconcile of an object at the caps.
	capReconcileTime = 10 * time.Second
	// capReconcileAlloc bounds the bytes one such reconcile allocates.
	capReconcileAlloc = 64 << 20
	// capLiveHeap bounds the heap a whole scenario leaves live.
	capLiveHeap = 64 << 20
)

// meter runs reconciles and keeps the slowest, the largest allocation of
// one and the totals.
type meter struct {
	t         *testing.T
	h         *harness
	n         int
	total     time.Duration
	slowest   time.Duration
	alloc     uint64
	mostAlloc uint64
	heap0     uint64
	// slowestWhat and mostAllocWhat say which reconciles those were.
	slowestWhat, mostAllocWhat string
}

func newMeter(h *harness) *meter {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return &meter{t: h.t, h: h, heap0: ms.HeapAlloc}
}

// reconcile measures one reconcile. The harness's event recorder is
// drained after it (outside the measurement): a full recorder blocks.
func (m *meter) reconcile(what string, f func() (executor.Result, error)) executor.Result {
	m.t.Helper()
	var res executor.Result
	var err error
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before) // no GC first: TotalAlloc counts every allocation
	start := time.Now()
	res, err = f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	require.NoError(m.t, err)
	m.h.drainEvents()
	m.n++
	m.total += took
	if took > m.slowest {
		m.slowest, m.slowestWhat = took, what
	}
	m.alloc += alloc
	if alloc > m.mostAlloc {
		m.mostAlloc, m.mostAllocWhat = alloc, what
	}
	return res
}

func (m *meter) backup(name string) executor.Result {
	return m.reconcile("Backup "+name+" "+m.backupState(name), func() (executor.Result, error) {
		return m.h.ex.ReconcileBackup(m.h.ctx, types.NamespacedName{Namespace: ns, Name: name})
	})
}

func (m *meter) restore(name string) executor.Result {
	state := "gone"
	if r, err := m.h.store.RestoreJobs().Get(m.h.ctx, ns, name); err == nil {
		state = string(r.Status.Phase)
	}
	return m.reconcile("RestoreJob "+name+" "+state, func() (executor.Result, error) {
		return m.h.ex.ReconcileRestoreJob(m.h.ctx, types.NamespacedName{Namespace: ns, Name: name})
	})
}

// backupState is the Backup's phase, or "deleted" when it is being
// deleted.
func (m *meter) backupState(name string) string {
	b, err := m.h.store.Backups().Get(m.h.ctx, ns, name)
	switch {
	case err != nil:
		return "gone"
	case b.DeletionTimestamp != nil:
		return "deleted"
	}
	return string(b.Status.Phase)
}

// runBackup reconciles the Backup until it is terminal.
func (m *meter) runBackup(name string, steps int) *v1alpha1.Backup {
	m.t.Helper()
	for range steps {
		res := m.backup(name)
		if b := m.h.getBackup(name); b.Status.Phase.IsTerminal() {
			return b
		}
		m.h.step(res)
	}
	b := m.h.getBackup(name)
	m.t.Fatalf("backup %s did not finish in %d steps: %s %q %v", name, steps, b.Status.Phase, b.Status.FailureReason, b.Annotations)
	return nil
}

// runRestore reconciles the RestoreJob until it is terminal.
func (m *meter) runRestore(name string, steps int) *v1alpha1.RestoreJob {
	m.t.Helper()
	for range steps {
		res := m.restore(name)
		r, err := m.h.store.RestoreJobs().Get(m.h.ctx, ns, name)
		require.NoError(m.t, err)
		if r.Status.Phase.IsTerminal() {
			return r
		}
		m.h.step(res)
	}
	m.t.Fatalf("restore %s did not finish in %d steps", name, steps)
	return nil
}

// deleteBackup deletes the Backup and reconciles it until it is gone.
func (m *meter) deleteBackup(name string, steps int) {
	m.t.Helper()
	require.NoError(m.t, m.h.store.Backups().Delete(m.h.ctx, ns, name, ""))
	for range steps {
		res := m.backup(name)
		if _, err := m.h.store.Backups().Get(m.h.ctx, ns, name); drivers.IsNotFound(err) {
			return
		}
		m.h.step(res)
	}
	m.t.Fatalf("backup %s was not deleted in %d steps", name, steps)
}

// report logs one line and checks the bounds.
func (m *meter) report(what string, value int, slowest time.Duration, mostAlloc uint64) {
	m.t.Helper()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	live := int64(ms.HeapAlloc) - int64(m.heap0)
	m.t.Logf("cap %-42s = %4d: %4d reconciles in %8s, slowest %8s (%s), most allocated by one %6d KiB (%s), all %7d KiB, live heap %+6d KiB",
		what, value, m.n, m.total.Round(time.Millisecond), m.slowest.Round(10*time.Microsecond), m.slowestWhat,
		m.mostAlloc>>10, m.mostAllocWhat, m.alloc>>10, live>>10)
	assert.Less(m.t, m.slowest, cmp.Or(slowest, capReconcileTime), "%s: the slowest reconcile", what)
	assert.Less(m.t, m.mostAlloc, cmp.Or(mostAlloc, capReconcileAlloc), "%s: the most allocated by one reconcile", what)
	assert.Less(m.t, live, int64(capLiveHeap), "%s: the live heap", what)
}

// attemptPattern finds the attempt in a task ID (policy.TaskID).
var attemptPattern = regexp.MustCompile(`-[0-9a-f]{8}-([0-9]+)-`)

// failBefore is a driver script that fails every backup and restore task of
// an attempt before last and succeeds from then on; snapshot backups
// report a snapshot, status updates a backupLog.
func failBefore(last int) func(*drivers.Task) memdriver.Outcome {
	return func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindBackup || task.Kind == drivers.KindRestore {
			if m := attemptPattern.FindStringSubmatch(task.ID); m != nil {
				if a, _ := strconv.Atoi(m[1]); a < last {
					return memdriver.Outcome{Fail: true, Message: "attempt failed", Code: drivers.Unavailable}
				}
			}
		}
		if task.Kind == drivers.KindStatusUpdate {
			return memdriver.Outcome{Output: []byte(`{"stopTime":"2026-11-25T10:00:00Z"}`)}
		}
		if task.Kind == drivers.KindBackup && task.Snapshot != nil {
			return memdriver.Outcome{TotalSize: 1 << 20, Snapshots: []drivers.Snapshot{{VolumeSnapshotName: task.ID, RestoreSize: 1 << 20}}}
		}
		return memdriver.Succeed()
	}
}

// commands returns n commands.
func commands(what string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d --option=value", what, i)
	}
	return out
}

// capsCase is one list (or every list) at its cap.
type capsCase struct {
	name  string
	value int
	// tool, policy and restore change the harness's objects.
	tool    func(*v1alpha1.BackupTool)
	policy  func(*v1alpha1.BackupPolicy)
	restore func(*v1alpha1.RestoreJob)
	// attempts is the attempt of the backup and restore runs that
	// succeeds: the earlier ones fail.
	attempts int
	// slowest and mostAlloc bound one reconcile when not the defaults
	// (capReconcileTime, capReconcileAlloc).
	slowest   time.Duration
	mostAlloc uint64
}

func atCapEnv(tl *v1alpha1.BackupTool) {
	for i := range v1alpha1.MaxEnv {
		tl.Spec.Env = append(tl.Spec.Env, corev1.EnvVar{Name: fmt.Sprintf("TOOL_VAR_%d", i), Value: fmt.Sprintf("value-%d", i)})
	}
}

func atCapEnvFrom(tl *v1alpha1.BackupTool) {
	for i := range v1alpha1.MaxEnvFrom {
		src := corev1.EnvFromSource{Prefix: fmt.Sprintf("P%d_", i)}
		if i%2 == 0 {
			src.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("secret-%d", i)}}
		} else {
			src.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: fmt.Sprintf("config-%d", i)}}
		}
		tl.Spec.EnvFrom = append(tl.Spec.EnvFrom, src)
	}
}

func atCapStatusUpdates(p *v1alpha1.BackupPolicy) {
	for i := range v1alpha1.MaxStatusUpdates {
		stage := v1alpha1.PreBackup
		if i%2 == 1 {
			stage = v1alpha1.PostBackup
		}
		p.Spec.Datafile.BackupStatusUpdates = append(p.Spec.Datafile.BackupStatusUpdates,
			v1alpha1.BackupStatusUpdate{Path: "manifests.backupLog", Script: fmt.Sprintf("echo {} # %d", i), UpdateStage: stage})
	}
}

func atCapHooks(p *v1alpha1.BackupPolicy) {
	p.Spec.Snapshot.Hooks = &v1alpha1.BackupPolicyHook{ContainerName: "postgres",
		PreCommands: commands("freeze", v1alpha1.MaxCommands), PostCommands: commands("thaw", v1alpha1.MaxCommands)}
}

func atCapAttempts(p *v1alpha1.BackupPolicy) {
	p.Spec.Datafile.OnFailAttempted = v1alpha1.MaxOnFailAttempted
	p.Spec.Snapshot.OnFailAttempted = v1alpha1.MaxOnFailAttempted
}

func atCapVolumes(r *v1alpha1.RestoreJob) {
	r.Spec.TargetVolumes, r.Spec.TargetVolumeMounts = nil, nil
	for i := range v1alpha1.MaxVolumes {
		r.Spec.TargetVolumes = append(r.Spec.TargetVolumes, corev1.Volume{Name: fmt.Sprintf("vol-%d", i), VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: fmt.Sprintf("claim-%d", i)}}})
	}
	for i := range v1alpha1.MaxVolumeMounts {
		r.Spec.TargetVolumeMounts = append(r.Spec.TargetVolumeMounts,
			corev1.VolumeMount{Name: fmt.Sprintf("vol-%d", i%v1alpha1.MaxVolumes), MountPath: fmt.Sprintf("/mnt/%d", i)})
	}
}

func capsCases() []capsCase {
	cmds := func(set func(*v1alpha1.BackupToolSpec, []string)) func(*v1alpha1.BackupTool) {
		return func(tl *v1alpha1.BackupTool) { set(&tl.Spec, commands("cmd", v1alpha1.MaxCommands)) }
	}
	return []capsCase{
		{name: "none (every list as in the other tests)", attempts: 0},
		{name: "spec.env", value: v1alpha1.MaxEnv, tool: atCapEnv},
		{name: "spec.envFrom", value: v1alpha1.MaxEnvFrom, tool: atCapEnvFrom},
		{name: "spec.backupCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.BackupCommands = c })},
		{name: "spec.incrementalBackupCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.IncrementalBackupCommands = c })},
		{name: "spec.physical.restoreCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Physical.RestoreCommands = c })},
		{name: "spec.physical.incrementalRestoreCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Physical.IncrementalRestoreCommands = c })},
		{name: "spec.logical.restoreCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Logical.RestoreCommands = c })},
		{name: "spec.logical.incrementalRestoreCommands", value: v1alpha1.MaxCommands,
			tool: cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Logical.IncrementalRestoreCommands = c })},
		{name: "spec.datafile.backupStatusUpdates", value: v1alpha1.MaxStatusUpdates, policy: atCapStatusUpdates},
		{name: "spec.snapshot.hooks.pre/postCommands", value: v1alpha1.MaxCommands, policy: atCapHooks},
		{name: "onFailAttempted (Backup and RestoreJob)", value: v1alpha1.MaxOnFailAttempted, policy: atCapAttempts,
			restore:  func(r *v1alpha1.RestoreJob) { r.Spec.OnFailAttempted = v1alpha1.MaxOnFailAttempted },
			attempts: v1alpha1.MaxOnFailAttempted},
		{name: "spec.targetVolumes, spec.targetVolumeMounts", value: v1alpha1.MaxVolumes, restore: atCapVolumes},
		{name: "every list above at once", value: -1,
			tool: func(tl *v1alpha1.BackupTool) {
				atCapEnv(tl)
				atCapEnvFrom(tl)
				s := &tl.Spec
				s.BackupCommands, s.IncrementalBackupCommands = commands("full", v1alpha1.MaxCommands), commands("incr", v1alpha1.MaxCommands)
				for _, c := range []*v1alpha1.BackupToolRestoreCommand{&s.Physical, s.Logical} {
					c.RestoreCommands, c.IncrementalRestoreCommands = commands("restore", v1alpha1.MaxCommands), commands("replay", v1alpha1.MaxCommands)
				}
			},
			policy: func(p *v1alpha1.BackupPolicy) { atCapStatusUpdates(p); atCapHooks(p); atCapAttempts(p) },
			restore: func(r *v1alpha1.RestoreJob) {
				atCapVolumes(r)
				r.Spec.OnFailAttempted = v1alpha1.MaxOnFailAttempted
			},
			attempts: v1alpha1.MaxOnFailAttempted,
			// The caps multiply: a reconcile that plans every attempt's
			// tasks plans 101 attempts of 33 tasks of 1000 variables.
			slowest: 30 * time.Second, mostAlloc: 1 << 30},
	}
}

// TestObjectsAtTheCapsAreBounded: for each list of limits.go at its cap
// (and all at once), a BackupTool, a BackupPolicy, a full, an incremental
// and a snapshot Backup, a RestoreJob of the incremental one (physical and
// logical, replaying the chain), its expiry and the Backups' deletion all
// succeed, and no reconcile takes more than capReconcileTime or allocates
// more than capReconcileAlloc. With onFailAttempted at its cap, every run
// fails MaxOnFailAttempted times before it succeeds.
func TestObjectsAtTheCapsAreBounded(t *testing.T) {
	for _, tc := range capsCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, failBefore(tc.attempts))
			tl := tool()
			if tc.tool != nil {
				tc.tool(tl)
			}
			p := backupPolicy()
			if tc.policy != nil {
				tc.policy(p)
			}
			_, err := h.store.BackupTools().Create(h.ctx, tl)
			require.NoError(t, err, "the tool at the caps is valid")
			_, err = h.store.BackupPolicies().Create(h.ctx, p)
			require.NoError(t, err, "the policy at the caps is valid")

			m := newMeter(h)
			m.reconcile("BackupPolicy", func() (executor.Result, error) {
				return h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: ns, Name: p.Name})
			})
			steps := 200 * (tc.attempts + 1) // status updates take a few reconciles each
			h.create(backup("full", v1alpha1.BackupTypeDataFile))
			b := m.runBackup("full", steps)
			require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
			if tc.attempts > 0 {
				assert.Equal(t, strconv.Itoa(tc.attempts), b.Annotations[v1alpha1.AnnotationAttempt], "the last retry succeeded")
			}
			incr := backup("incr", v1alpha1.BackupTypeDataFile)
			incr.Spec.ParentBackupName = "full"
			h.create(incr)
			b = m.runBackup("incr", steps)
			require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
			h.create(backup("snap", v1alpha1.BackupTypeSnapshot))
			b = m.runBackup("snap", steps)
			require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)

			rj := restoreJob("r1", "incr")
			if tc.restore != nil {
				tc.restore(rj)
			}
			_, err = h.store.RestoreJobs().Create(h.ctx, rj)
			require.NoError(t, err, "the RestoreJob at the caps is valid")
			r := m.runRestore("r1", steps)
			require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
			h.clock.Step(8 * 24 * time.Hour)
			m.restore("r1")
			_, err = h.store.RestoreJobs().Get(h.ctx, ns, "r1")
			require.True(t, drivers.IsNotFound(err), "the expired RestoreJob is deleted: %v", err)

			for _, name := range []string{"incr", "full", "snap"} {
				m.deleteBackup(name, 20)
			}
			assert.Empty(t, h.driver.Live(), "every task is cleaned up")
			m.report(tc.name, tc.value, tc.slowest, tc.mostAlloc)
		})
	}
}

// TestListsJustOverTheCapsAreRefused: each list of limits.go one element
// over its cap is refused when it is written, by a message that names the
// field and the cap; onFailAttempted over its cap is not refused but
// counts as MaxOnFailAttempted (TestRetriesIsClamped).
func TestListsJustOverTheCapsAreRefused(t *testing.T) {
	over := func(n int) int { return n + 1 }
	cmds := func(set func(*v1alpha1.BackupToolSpec, []string)) func(*v1alpha1.BackupTool) {
		return func(tl *v1alpha1.BackupTool) { set(&tl.Spec, commands("cmd", over(v1alpha1.MaxCommands))) }
	}
	tools := map[string]func(*v1alpha1.BackupTool){
		"spec.env": func(tl *v1alpha1.BackupTool) {
			atCapEnv(tl)
			tl.Spec.Env = append(tl.Spec.Env, corev1.EnvVar{Name: "ONE_MORE"})
		},
		"spec.envFrom": func(tl *v1alpha1.BackupTool) {
			atCapEnvFrom(tl)
			tl.Spec.EnvFrom = append(tl.Spec.EnvFrom, tl.Spec.EnvFrom[0])
		},
		"spec.backupCommands":                      cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.BackupCommands = c }),
		"spec.incrementalBackupCommands":           cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.IncrementalBackupCommands = c }),
		"spec.physical.restoreCommands":            cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Physical.RestoreCommands = c }),
		"spec.physical.incrementalRestoreCommands": cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Physical.IncrementalRestoreCommands = c }),
		"spec.logical.restoreCommands":             cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Logical.RestoreCommands = c }),
		"spec.logical.incrementalRestoreCommands":  cmds(func(s *v1alpha1.BackupToolSpec, c []string) { s.Logical.IncrementalRestoreCommands = c }),
	}
	caps := map[string]int{"spec.env": v1alpha1.MaxEnv, "spec.envFrom": v1alpha1.MaxEnvFrom,
		"spec.datafile.backupStatusUpdates": v1alpha1.MaxStatusUpdates,
		"spec.targetVolumes":                v1alpha1.MaxVolumes, "spec.targetVolumeMounts": v1alpha1.MaxVolumeMounts}
	capOf := func(field string) int { return cmp.Or(caps[field], v1alpha1.MaxCommands) }
	want := func(field string) string {
		return fmt.Sprintf("%s: Too many: %d: must have at most %d items", field, capOf(field)+1, capOf(field))
	}
	h := newHarness(t, nil)
	for field, mut := range tools {
		tl := tool()
		mut(tl)
		_, err := h.store.BackupTools().Create(h.ctx, tl)
		require.Error(t, err, field)
		assert.Contains(t, err.Error(), want(field))
	}
	policies := map[string]func(*v1alpha1.BackupPolicy){
		"spec.datafile.backupStatusUpdates": func(p *v1alpha1.BackupPolicy) {
			atCapStatusUpdates(p)
			p.Spec.Datafile.BackupStatusUpdates = append(p.Spec.Datafile.BackupStatusUpdates, p.Spec.Datafile.BackupStatusUpdates[0])
		},
		"spec.snapshot.hooks.preCommands": func(p *v1alpha1.BackupPolicy) {
			atCapHooks(p)
			p.Spec.Snapshot.Hooks.PreCommands = append(p.Spec.Snapshot.Hooks.PreCommands, "one-more")
		},
		"spec.snapshot.hooks.postCommands": func(p *v1alpha1.BackupPolicy) {
			atCapHooks(p)
			p.Spec.Snapshot.Hooks.PostCommands = append(p.Spec.Snapshot.Hooks.PostCommands, "one-more")
		},
	}
	for field, mut := range policies {
		p := backupPolicy(mut)
		_, err := h.store.BackupPolicies().Create(h.ctx, p)
		require.Error(t, err, field)
		assert.Contains(t, err.Error(), want(field))
	}
	restores := map[string]func(*v1alpha1.RestoreJob){
		"spec.targetVolumes": func(r *v1alpha1.RestoreJob) {
			atCapVolumes(r)
			r.Spec.TargetVolumes = append(r.Spec.TargetVolumes, corev1.Volume{Name: "one-more"})
		},
		"spec.targetVolumeMounts": func(r *v1alpha1.RestoreJob) {
			atCapVolumes(r)
			r.Spec.TargetVolumeMounts = append(r.Spec.TargetVolumeMounts, corev1.VolumeMount{Name: "vol-0", MountPath: "/mnt/more"})
		},
	}
	for field, mut := range restores {
		r := restoreJob("r1", "b1")
		mut(r)
		_, err := h.store.RestoreJobs().Create(h.ctx, r)
		require.Error(t, err, field)
		assert.Contains(t, err.Error(), want(field))
	}
}
