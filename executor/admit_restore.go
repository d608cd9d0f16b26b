package executor

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// restores is what the limits call a restore in their messages.
const restores = "restores"

// admitRestore decides whether the New RestoreJob r may start now
// (Config.RestoreLimits), as admitBackup does for a Backup: r counts on
// the node of its target, in the policy of the backup it restores and in
// that policy's repository.
func (e *Executor) admitRestore(ctx context.Context, r *v1alpha1.RestoreJob) (admission, error) {
	l := e.limits.restores
	if l.none() {
		return admission{release: func() {}}, nil
	}
	e.limits.mu.Lock()
	repos := repositories{e: e}
	running, waiting, err := e.restoreSlots(ctx, r.UID, &repos)
	var me slot
	if err == nil {
		me, err = e.restoreSlot(ctx, r, &repos)
	}
	if err != nil {
		e.limits.mu.Unlock()
		return admission{}, err
	}
	if _, why := l.admit(running, waiting, &me, restores); why != "" {
		e.limits.mu.Unlock()
		return admission{wait: true, res: Result{RequeueAfter: e.opts.LimitRecheckInterval}}, e.noteRestoreWaiting(ctx, r, why)
	}
	if err := e.clearRestoreWaiting(ctx, r); err != nil {
		e.limits.mu.Unlock()
		return admission{}, err
	}
	return admission{release: e.limits.mu.Unlock}, nil
}

// noteRestoreWaiting records why r waits, with an event, unless it says so
// already.
func (e *Executor) noteRestoreWaiting(ctx context.Context, r *v1alpha1.RestoreJob, why string) error {
	msg := "waiting: " + why
	if r.Annotations[v1alpha1.AnnotationWaiting] == msg {
		return nil
	}
	setAnnotation(r, v1alpha1.AnnotationWaiting, msg)
	out, err := e.store.RestoreJobs().Update(ctx, r)
	if err != nil {
		return err
	}
	e.events.Event(out, corev1.EventTypeNormal, "Waiting", msg)
	return nil
}

// clearRestoreWaiting removes the waiting note of a RestoreJob about to
// start, and updates r in place.
func (e *Executor) clearRestoreWaiting(ctx context.Context, r *v1alpha1.RestoreJob) error {
	if _, noted := r.Annotations[v1alpha1.AnnotationWaiting]; !noted {
		return nil
	}
	delete(r.Annotations, v1alpha1.AnnotationWaiting)
	out, err := e.store.RestoreJobs().Update(ctx, r)
	if err == nil {
		*r = *out
	}
	return err
}

// restoreSlots reads from the store the running RestoreJobs and the
// waiting ones (New, with a waiting note), but the one of UID self.
func (e *Executor) restoreSlots(ctx context.Context, self types.UID, repos *repositories) (running, waiting []slot, err error) {
	for _, q := range []struct {
		phase v1alpha1.RestoreJobPhase
		out   *[]slot
	}{{v1alpha1.RestoreJobInProgressPhy, &running}, {v1alpha1.RestoreJobInProgressLogic, &running},
		{v1alpha1.RestoreJobNew, &waiting}} {
		items, err := store.ListByShared(ctx, e.store.RestoreJobs(), "", store.IndexPhase, string(q.phase))
		if err != nil {
			return nil, nil, err
		}
		for _, r := range items {
			_, noted := r.Annotations[v1alpha1.AnnotationWaiting]
			if r.UID == self || r.DeletionTimestamp != nil || q.phase == v1alpha1.RestoreJobNew && !noted {
				continue
			}
			s, err := e.restoreSlot(ctx, r, repos)
			if err != nil {
				return nil, nil, err
			}
			*q.out = append(*q.out, s)
		}
	}
	return running, waiting, nil
}

// restoreSlot is r as admission counts it: its target's node (the first
// target its selector finds, as the restore's plan takes), the policy of
// the backup it restores and that policy's repository. What cannot be
// found is not counted in.
func (e *Executor) restoreSlot(ctx context.Context, r *v1alpha1.RestoreJob, repos *repositories) (slot, error) {
	s := slot{key: types.NamespacedName{Namespace: r.Namespace, Name: r.Name}, created: r.CreationTimestamp.Time}
	l := e.limits.restores
	if l.PerNode > 0 {
		sel, err := metav1.LabelSelectorAsSelector(r.Spec.Target.LabelsSelector)
		if err == nil {
			ts, err := e.targets.Targets(ctx, r.Namespace, sel)
			if err != nil {
				return s, fmt.Errorf("resolve targets: %w", err)
			}
			if len(ts) > 0 {
				s.scopes.node = ts[0].Node
			}
		}
	}
	if l.PerPolicy == 0 && l.PerRepository == 0 {
		return s, nil
	}
	b, err := e.store.Backups().Get(ctx, r.Namespace, r.Spec.BackupJobName)
	if drivers.IsNotFound(err) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.scopes.policy = r.Namespace + "/" + b.Spec.BackupPolicyName
	s.scopes.repository, err = repos.of(ctx, r.Namespace, b.Spec.BackupPolicyName)
	return s, err
}

// startableRestores returns the waiting RestoreJobs that the limits let
// start now, for the Router to wake when one that ran stops.
func (e *Executor) startableRestores(ctx context.Context) ([]Request, error) {
	if e.limits.restores.none() {
		return nil, nil
	}
	running, waiting, err := e.restoreSlots(ctx, "", &repositories{e: e})
	if err != nil {
		return nil, err
	}
	starts, _ := e.limits.restores.admit(running, waiting, nil, restores)
	out := make([]Request, len(starts))
	for i, s := range starts {
		out[i] = Request{Kind: KindRestoreJob, Key: s.key}
	}
	return out, nil
}
