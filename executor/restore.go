package executor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// reconcileRestoreJob moves the RestoreJob namespace/name one step forward:
// New → InProgressPhy (the physical restore, database stopped) →
// InProgressLogic (the logical restore, database running) → Completed, with
// onFailAttempted retries of a failed phase and Failed at last. A finished
// RestoreJob gets an expiration (RestoreJobTTL) and is deleted then.
func (e *Executor) reconcileRestoreJob(ctx context.Context, namespace, name string) (Result, error) {
	r, err := e.store.RestoreJobs().Get(ctx, namespace, name)
	if drivers.IsNotFound(err) {
		return Result{}, nil
	}
	if err != nil || r.DeletionTimestamp != nil {
		return Result{}, err
	}
	switch r.Status.Phase {
	case v1alpha1.RestoreJobCompleted, v1alpha1.RestoreJobFailed:
		return e.expireRestore(ctx, r)
	}
	plan, err := e.restorePlan(ctx, r)
	var term *errTerminal
	if errors.As(err, &term) {
		return e.finishRestore(ctx, r, v1alpha1.RestoreJobFailed, term.msg)
	}
	if err != nil {
		return Result{}, err
	}
	switch r.Status.Phase {
	case v1alpha1.RestoreJobInProgressPhy:
		return e.runRestorePhase(ctx, r, plan.Physical, plan.Logical)
	case v1alpha1.RestoreJobInProgressLogic:
		return e.runLogicalRestore(ctx, r, plan.Logical)
	}
	if e.recordTasks(r, restoreTasksOf(plan)) { // where the run's logs will be, before it starts
		if r, err = e.store.RestoreJobs().Update(ctx, r); err != nil {
			return Result{}, err
		}
	}
	first := v1alpha1.RestoreJobInProgressPhy
	if plan.Physical == nil {
		first = v1alpha1.RestoreJobInProgressLogic
	}
	adm, err := e.admitRestore(ctx, r)
	if adm.wait || err != nil {
		return adm.res, err
	}
	defer adm.release()
	return Result{}, e.setRestorePhase(ctx, r, first, "")
}

// restorePlan gathers the inputs of r's current attempt and resolves them.
func (e *Executor) restorePlan(ctx context.Context, r *v1alpha1.RestoreJob) (*policy.RestorePlan, error) {
	in, err := e.gatherRestore(ctx, r)
	if err != nil {
		return nil, err
	}
	return resolveRestore(in)
}

// resolveRestore resolves in; a problem is terminal.
func resolveRestore(in *policy.RestoreInputs) (*policy.RestorePlan, error) {
	plan, err := policy.ResolveRestore(*in)
	if err != nil {
		return nil, terminal("InvalidRestoreJob", "%v", err)
	}
	return plan, nil
}

// restoreAttempt is r's current attempt (see attemptOf).
func restoreAttempt(r *v1alpha1.RestoreJob) int {
	return attemptOf(r, v1alpha1.AnnotationAttempt, v1alpha1.Retries(r.Spec.OnFailAttempted))
}

// gatherRestore gathers the chain, tool and target of r, for its current
// attempt. A problem with r is an *errTerminal; other errors are transient.
func (e *Executor) gatherRestore(ctx context.Context, r *v1alpha1.RestoreJob) (*policy.RestoreInputs, error) {
	v1alpha1.SetDefaultsRestoreJob(r)
	if errs := v1alpha1.ValidateRestoreJob(r); len(errs) > 0 {
		return nil, terminal("InvalidRestoreJob", "%s", v1alpha1.ErrorsMessage(errs))
	}
	chain, err := e.backupChain(ctx, r.Namespace, r.Spec.BackupJobName)
	if err != nil {
		return nil, err
	}
	last := chain[len(chain)-1]
	in := &policy.RestoreInputs{RestoreJob: r, Chain: chain, Driver: last.Annotations[v1alpha1.AnnotationDriver],
		Attempt: restoreAttempt(r), Deadline: e.restoreDeadline(r), Claims: e.claims}
	if in.Policies, err = e.chainPolicies(ctx, chain); err != nil {
		return nil, err
	}
	if name := last.Status.BackupToolName; name != "" {
		tool, err := e.store.BackupTools().Get(ctx, "", name)
		if err != nil && !drivers.IsNotFound(err) {
			return nil, err
		}
		in.Tool = tool
	}
	if in.Repository, err = e.restoreRepository(last); err != nil {
		return nil, err
	}
	sel, err := metav1.LabelSelectorAsSelector(r.Spec.Target.LabelsSelector)
	if err != nil {
		return nil, terminal("InvalidRestoreJob", "labelsSelector: %v", err)
	}
	targets, err := e.targets.Targets(ctx, r.Namespace, sel)
	if err != nil {
		return nil, fmt.Errorf("resolve targets: %w", err)
	}
	if len(targets) == 0 {
		return nil, terminal("NoTarget", "no target matches the labelsSelector of RestoreJob %q", r.Name)
	}
	in.Target = targets[0]
	return in, nil
}

// chainPolicies returns the policies the backups of chain name, by name;
// a policy that is gone is missing.
func (e *Executor) chainPolicies(ctx context.Context, chain []*v1alpha1.Backup) (map[string]*v1alpha1.BackupPolicy, error) {
	out := map[string]*v1alpha1.BackupPolicy{}
	for _, b := range chain {
		name := b.Spec.BackupPolicyName
		if _, done := out[name]; done {
			continue
		}
		p, err := e.policyOf(ctx, b.Namespace, name)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out[name] = p
		}
	}
	return out, nil
}

// backupChain returns the backup and its incremental ancestors, the full
// backup first: at most v1alpha1.MaxBackupChain backups.
func (e *Executor) backupChain(ctx context.Context, namespace, name string) ([]*v1alpha1.Backup, error) {
	var chain []*v1alpha1.Backup
	seen := map[string]bool{}
	for name != "" {
		if seen[name] {
			return nil, terminal("InvalidRestoreJob", "backup chain has a cycle at %q", name)
		}
		if len(chain) == v1alpha1.MaxBackupChain {
			return nil, terminal("InvalidRestoreJob", "backup chain of %q has more than %d backups", chain[0].Name, v1alpha1.MaxBackupChain)
		}
		seen[name] = true
		b, err := e.store.Backups().Get(ctx, namespace, name)
		if drivers.IsNotFound(err) {
			return nil, terminal("BackupNotFound", "backup %q not found", name)
		}
		if err != nil {
			return nil, err
		}
		if !b.Status.Phase.IsTerminal() {
			return nil, fmt.Errorf("backup %q is not finished yet", b.Name)
		}
		chain = append([]*v1alpha1.Backup{b}, chain...)
		name = b.Spec.ParentBackupName
	}
	return chain, nil
}

func (e *Executor) restoreDeadline(r *v1alpha1.RestoreJob) time.Time {
	start := e.now()
	if r.Status.StartTimestamp != nil {
		start = r.Status.StartTimestamp.Time
	}
	return start.Add(e.opts.RestoreTimeout)
}

// runRestorePhase drives the task of the current phase; then moves to the
// next phase (or Completed), or retries, or fails.
func (e *Executor) runRestorePhase(ctx context.Context, r *v1alpha1.RestoreJob, task, next *policy.PlannedTask) (Result, error) {
	if task == nil {
		return Result{}, e.nextRestorePhase(ctx, r, next)
	}
	out, err := e.drive(ctx, task)
	if err != nil {
		return Result{}, err
	}
	e.observeProgress(r, out)
	switch out.state {
	case taskRunning:
		return e.poll(), nil
	case taskFailed:
		return e.failRestoreRun(ctx, r, out.reason)
	}
	return Result{}, e.nextRestorePhase(ctx, r, next)
}

func (e *Executor) nextRestorePhase(ctx context.Context, r *v1alpha1.RestoreJob, next *policy.PlannedTask) error {
	if next != nil {
		return e.setRestorePhase(ctx, r, v1alpha1.RestoreJobInProgressLogic, "")
	}
	_, err := e.finishRestore(ctx, r, v1alpha1.RestoreJobCompleted, "")
	return err
}

func (e *Executor) failRestoreRun(ctx context.Context, r *v1alpha1.RestoreJob, reason string) (Result, error) {
	attempt, retries := restoreAttempt(r), v1alpha1.Retries(r.Spec.OnFailAttempted)
	if attempt >= retries {
		return e.finishRestore(ctx, r, v1alpha1.RestoreJobFailed, reason)
	}
	setAnnotation(r, v1alpha1.AnnotationAttempt, strconv.Itoa(attempt+1))
	if plan, err := e.restorePlan(ctx, r); err == nil {
		e.recordTasks(r, restoreTasksOf(plan)) // the next run's, in the same write
	}
	out, err := e.store.RestoreJobs().Update(ctx, r)
	if err != nil {
		return Result{}, err
	}
	e.events.Eventf(out, corev1.EventTypeWarning, "RetryingRestore", "attempt %d of %d failed: %s",
		attempt+1, retries+1, reason)
	return Result{RequeueAfter: e.opts.RetryDelay}, nil
}

func (e *Executor) setRestorePhase(ctx context.Context, r *v1alpha1.RestoreJob, phase v1alpha1.RestoreJobPhase, reason string) error {
	next := r.DeepCopy()
	next.Status.Phase = phase
	next.Status.FailureReason = v1alpha1.TruncateMessage(reason)
	if next.Status.StartTimestamp == nil {
		next.Status.StartTimestamp = timePtr(metav1.NewTime(e.now()))
	}
	if equality.Semantic.DeepEqual(r.Status, next.Status) {
		return nil
	}
	out, err := e.store.RestoreJobs().UpdateStatus(ctx, next)
	if err != nil {
		return err
	}
	e.metrics.restorePhases.WithLabelValues(string(phase)).Inc()
	typ := corev1.EventTypeNormal
	if phase == v1alpha1.RestoreJobFailed {
		typ = corev1.EventTypeWarning
	}
	e.events.Eventf(out, typ, string(phase), "restore of backup %s is %s%s", r.Spec.BackupJobName, phase, suffix(reason))
	return nil
}

func suffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// restoreTasksOf lists the tasks of a restore plan, in the order they run.
func restoreTasksOf(plan *policy.RestorePlan) []policy.PlannedTask {
	var out []policy.PlannedTask
	for _, pt := range []*policy.PlannedTask{plan.Physical, plan.Logical} {
		if pt != nil {
			out = append(out, *pt)
		}
	}
	return out
}
