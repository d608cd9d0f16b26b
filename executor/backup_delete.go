package executor

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// deleteBackup deletes a Backup's data, then lets the object go: it stops
// the Backup's tasks (of every attempt), runs the delete-artifacts task
// until it succeeds (a failed run is retried with a new attempt, after an
// event), cleans up the tasks and removes the finalizer. Each step is
// idempotent, so a deletion interrupted at any point resumes.
func (e *Executor) deleteBackup(ctx context.Context, b *v1alpha1.Backup) (Result, error) {
	if !hasFinalizer(b) {
		return Result{}, nil
	}
	tasks, err := e.backupTasks(ctx, b)
	if err != nil {
		return Result{}, err
	}
	if !b.Status.Phase.IsTerminal() {
		if err := e.forget(ctx, tasks); err != nil {
			return Result{}, err
		}
	}
	attempt := attemptOf(b, v1alpha1.AnnotationDeleteAttempt, math.MaxInt32)
	del, err := e.deletionTask(ctx, b, attempt)
	var term *errTerminal
	if errors.As(err, &term) {
		e.events.Eventf(b, corev1.EventTypeWarning, "DeleteFailed", "cannot delete the backup's data: %v", err)
		return Result{}, nil
	}
	if err != nil {
		return Result{}, err
	}
	if del != nil {
		done, res, err := e.runDeletion(ctx, b, del, attempt)
		if !done || err != nil {
			return res, err
		}
	}
	return Result{}, e.releaseBackup(ctx, b, tasks, del)
}

// releaseBackup cleans up the tasks of a Backup whose data is deleted,
// removes its finalizer, and then cleans up the delete task del (if any).
func (e *Executor) releaseBackup(ctx context.Context, b *v1alpha1.Backup, tasks []policy.PlannedTask, del *policy.PlannedTask) error {
	if err := e.forget(ctx, tasks); err != nil {
		return err
	}
	removeFinalizer(b)
	if _, err := e.store.Backups().Update(ctx, b); err != nil {
		return err
	}
	e.log.Info("backup deleted", "backup", key(b.Namespace, b.Name))
	if del != nil {
		// After the finalizer: cleaning the delete task up first would let a
		// crash in between run it again. A crash here leaves only its record.
		if err := e.forget(ctx, []policy.PlannedTask{*del}); err != nil {
			e.log.Error(err, "clean up the delete task", "backup", key(b.Namespace, b.Name))
		}
	}
	return nil
}

// deletionTask resolves the task of attempt that deletes b's data, from b
// and its policy (nil when gone); nil when b has no data. A problem with b
// is an *errTerminal.
func (e *Executor) deletionTask(ctx context.Context, b *v1alpha1.Backup, attempt int) (*policy.PlannedTask, error) {
	p, err := e.policyOf(ctx, b.Namespace, b.Spec.BackupPolicyName)
	if err != nil {
		return nil, err
	}
	deadline := b.DeletionTimestamp.Add(time.Duration(min(attempt, maxDeleteDeadlines)+1) * e.opts.DeleteTimeout)
	del, err := policy.ResolveDeletion(policy.DeletionInputs{Backup: b, Policy: p, Claims: e.claims, Attempt: attempt, Deadline: deadline})
	if err != nil {
		return nil, terminal("DeleteFailed", "%v", err)
	}
	return del, nil
}

// runDeletion drives the delete-artifacts task; done when it succeeded.
func (e *Executor) runDeletion(ctx context.Context, b *v1alpha1.Backup, del *policy.PlannedTask, attempt int) (bool, Result, error) {
	out, err := e.drive(ctx, del)
	if err != nil {
		return false, Result{}, err
	}
	switch out.state {
	case taskRunning:
		return false, e.poll(), nil
	case taskFailed:
		e.events.Eventf(b, corev1.EventTypeWarning, "DeleteFailed", "deleting the backup's data failed (attempt %d): %s",
			attempt+1, out.reason)
		setAnnotation(b, v1alpha1.AnnotationDeleteAttempt, strconv.Itoa(attempt+1))
		_, err := e.store.Backups().Update(ctx, b)
		return false, Result{RequeueAfter: e.opts.RetryDelay}, err
	}
	e.events.Event(b, corev1.EventTypeNormal, "DataDeleted", "the backup's data was deleted")
	return true, Result{}, nil
}

// maxDeleteDeadlines bounds the deadline of a deletion's attempt (its
// (attempt+1)-th DeleteTimeout after the deletion): the attempt annotation is
// user-writable, and a deadline must not overflow.
const maxDeleteDeadlines = 10_000

// backupTasks lists the tasks of the attempts of b that ran (see
// attemptOf): from its plan when it still resolves, else the main task by
// its recorded driver. The inputs are read once; without them (the policy is
// gone) the attempt is clamped to v1alpha1.MaxOnFailAttempted. It stops with
// ctx's error when ctx ends.
func (e *Executor) backupTasks(ctx context.Context, b *v1alpha1.Backup) ([]policy.PlannedTask, error) {
	var out []policy.PlannedTask
	in, gatherErr := e.gatherBackup(ctx, b.DeepCopy())
	last := attemptOf(b, v1alpha1.AnnotationAttempt, v1alpha1.MaxOnFailAttempted)
	if gatherErr == nil {
		last = in.Attempt
	}
	for attempt := 0; attempt <= last; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if gatherErr == nil {
			in.Attempt = attempt
			if plan, perr := policy.ResolveBackup(in.BackupInputs); perr == nil {
				out = append(out, plan.Tasks...)
				continue
			}
		}
		if d := b.Annotations[v1alpha1.AnnotationDriver]; d != "" {
			out = append(out, policy.PlannedTask{Driver: d, Task: drivers.Task{ID: policy.TaskID(b.Name, b.UID, attempt, "main")}})
		}
	}
	return out, nil
}
