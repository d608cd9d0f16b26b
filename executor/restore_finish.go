package executor

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// finishRestore writes a terminal phase with the completion time and the
// expiration after which the RestoreJob is deleted.
func (e *Executor) finishRestore(ctx context.Context, r *v1alpha1.RestoreJob, phase v1alpha1.RestoreJobPhase, reason string) (Result, error) {
	now := e.now()
	next := r.DeepCopy()
	next.Status.CompletionTimestamp = timePtr(metav1.NewTime(now))
	next.Status.Expiration = timePtr(metav1.NewTime(now.Add(e.opts.RestoreJobTTL)))
	if err := e.setRestorePhase(ctx, next, phase, reason); err != nil {
		return Result{}, err
	}
	return Result{RequeueAfter: e.opts.RestoreJobTTL}, nil
}

// expireRestore deletes a finished RestoreJob once its expiration passed,
// and cleans up its tasks first.
func (e *Executor) expireRestore(ctx context.Context, r *v1alpha1.RestoreJob) (Result, error) {
	x := r.Status.Expiration
	if x == nil {
		return Result{}, nil
	}
	if now := e.now(); now.Before(x.Time) {
		return Result{RequeueAfter: x.Sub(now)}, nil
	}
	if err := e.forget(ctx, e.restoreTasks(ctx, r)); err != nil {
		return Result{}, err
	}
	err := e.store.RestoreJobs().Delete(ctx, r.Namespace, r.Name, string(r.UID))
	if drivers.IsNotFound(err) {
		return Result{}, nil
	}
	return Result{}, err
}

// restoreTasks lists the tasks of every attempt of r that still resolve.
func (e *Executor) restoreTasks(ctx context.Context, r *v1alpha1.RestoreJob) []policy.PlannedTask {
	var out []policy.PlannedTask
	for attempt := 0; attempt <= attemptOf(r, v1alpha1.AnnotationAttempt); attempt++ {
		plan, err := e.restorePlan(ctx, r.DeepCopy(), attempt)
		if err != nil {
			break
		}
		for _, pt := range []*policy.PlannedTask{plan.Physical, plan.Logical} {
			if pt != nil {
				out = append(out, *pt)
			}
		}
	}
	return out
}
