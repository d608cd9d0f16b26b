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
	tasks, err := e.restoreTasks(ctx, r)
	if err != nil {
		return Result{}, err
	}
	if err := e.forget(ctx, tasks); err != nil {
		return Result{}, err
	}
	err = e.store.RestoreJobs().Delete(ctx, r.Namespace, r.Name, string(r.UID))
	if drivers.IsNotFound(err) {
		return Result{}, nil
	}
	return Result{}, err
}

// restoreTasks lists the tasks of the attempts of r that ran (see
// attemptOf), when r still resolves: the inputs are read once and resolved
// for each attempt. It stops with ctx's error when ctx ends; other problems
// leave no task to list.
func (e *Executor) restoreTasks(ctx context.Context, r *v1alpha1.RestoreJob) ([]policy.PlannedTask, error) {
	in, err := e.gatherRestore(ctx, r.DeepCopy())
	if err != nil {
		return nil, ctx.Err()
	}
	var out []policy.PlannedTask
	for attempt := range in.Attempt + 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		in.Attempt = attempt
		plan, err := resolveRestore(in)
		if err != nil {
			break
		}
		for _, pt := range []*policy.PlannedTask{plan.Physical, plan.Logical} {
			if pt != nil {
				out = append(out, *pt)
			}
		}
	}
	return out, nil
}
