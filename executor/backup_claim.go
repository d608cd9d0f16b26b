package executor

import (
	"context"

	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// claimBackup adds the engine's finalizer to a New Backup and, in the same
// write, records what its plan decided (recordPlan: target, driver,
// repository, tasks, data path) when the Backup resolves now: the first and
// the second step of a Backup are one write. A Backup that does not resolve
// yet (its policy missing or not validated, no target) or never will gets
// the finalizer alone, and startBackup records, waits or fails it at the
// next step as before. Either way a crash leaves the Backup without the
// finalizer (nothing written) or with everything this write carries.
func (e *Executor) claimBackup(ctx context.Context, b *v1alpha1.Backup) (Result, error) {
	if b.Status.Phase == "" || b.Status.Phase == v1alpha1.BackupNew {
		e.probePlan(ctx, b)
	}
	b.Finalizers = append(b.Finalizers, v1alpha1.Finalizer)
	_, err := e.store.Backups().Update(ctx, b)
	return Result{}, err
}

// probePlan resolves a copy of b (which planning defaults and may change)
// and, when it resolves, records its plan on b. A problem is left to
// startBackup, which reports it; nothing is written here.
func (e *Executor) probePlan(ctx context.Context, b *v1alpha1.Backup) {
	in, err := e.gatherBackup(ctx, b.DeepCopy())
	if err != nil {
		return
	}
	plan, err := policy.ResolveBackup(in.BackupInputs)
	if err != nil {
		return
	}
	e.recordPlan(b, in, plan)
}
