package executor

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// runLogicalRestore drives the logical restore once its target is ready:
// its commands need the database running again after the physical restore
// (upstream ran them once the cluster was Running).
func (e *Executor) runLogicalRestore(ctx context.Context, r *v1alpha1.RestoreJob, task *policy.PlannedTask) (Result, error) {
	if task != nil {
		ready, res, err := e.awaitTarget(ctx, r, task)
		if !ready || err != nil {
			return res, err
		}
	}
	return e.runRestorePhase(ctx, r, task, nil)
}

// awaitTarget reports whether the logical restore task may run: its target
// is ready, or the task started already (a target that goes down later is
// the task's business). Otherwise it records when the wait began (the
// annotation v1alpha1.AnnotationTargetWaitSince, once, with an event) and
// fails the RestoreJob once Options.TargetReadyTimeout has passed since.
func (e *Executor) awaitTarget(ctx context.Context, r *v1alpha1.RestoreJob, task *policy.PlannedTask) (bool, Result, error) {
	if !task.Task.Target.NotReady {
		return true, Result{}, nil
	}
	if started, err := e.started(ctx, task); started || err != nil {
		return started, Result{}, err
	}
	now := e.now()
	since, ok := waitSince(r, now)
	if !ok {
		setAnnotation(r, v1alpha1.AnnotationTargetWaitSince, now.Format(time.RFC3339))
		out, err := e.store.RestoreJobs().Update(ctx, r)
		if err != nil {
			return false, Result{}, err
		}
		e.events.Eventf(out, corev1.EventTypeNormal, "WaitingForTarget", "the logical restore waits for target %s to be ready (at most %s)",
			task.Task.Target.Name, e.opts.TargetReadyTimeout)
		return false, e.poll(), nil
	}
	if now.Sub(since) < e.opts.TargetReadyTimeout {
		return false, e.poll(), nil
	}
	res, err := e.finishRestore(ctx, r, v1alpha1.RestoreJobFailed, "target "+task.Task.Target.Name+" was not ready within "+
		e.opts.TargetReadyTimeout.String()+" (TargetReadyTimeout) after the physical restore: the logical restore needs the database running")
	return false, res, err
}

// started reports whether the driver knows the task.
func (e *Executor) started(ctx context.Context, pt *policy.PlannedTask) (bool, error) {
	d, err := e.drivers.Lookup(pt.Driver)
	if err != nil {
		return false, nil // drive reports it
	}
	_, err = e.callStatus(ctx, d, pt.Task.ID)
	if drivers.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// waitSince is when r's logical restore began to wait for its target; not
// ok when r does not say, or says nonsense (the annotation is writable): a
// time that does not parse or is after now, which is then written again.
func waitSince(r *v1alpha1.RestoreJob, now time.Time) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, r.Annotations[v1alpha1.AnnotationTargetWaitSince])
	if err != nil || t.After(now) {
		return time.Time{}, false
	}
	return t, true
}
