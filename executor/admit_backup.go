package executor

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// backups is what the limits call a backup in their messages.
const backups = "backups"

// admission is the decision on a New Backup or RestoreJob.
type admission struct {
	// wait is set when it waits; res then says when to check again.
	wait bool
	res  Result
	// release, when it starts, ends the admission after the write that
	// starts it, so that the next admission counts it.
	release func()
}

// admitBackup decides whether the New Backup b, whose policy is p and
// target runs on node, may start now (Config.BackupLimits). When it may,
// its waiting note, if any, is removed (b is updated in place) and the
// caller writes InProgress before it calls release. When it may not, b is
// noted as waiting (a write of its annotation and an event, when the
// reason changed).
func (e *Executor) admitBackup(ctx context.Context, b *v1alpha1.Backup, p *v1alpha1.BackupPolicy, node string) (admission, error) {
	l := e.limits.backups
	if l.none() {
		return admission{release: func() {}}, nil
	}
	e.limits.mu.Lock()
	running, waiting, err := e.backupSlots(ctx, b.UID)
	if err != nil {
		e.limits.mu.Unlock()
		return admission{}, err
	}
	me := slot{key: types.NamespacedName{Namespace: b.Namespace, Name: b.Name}, created: b.CreationTimestamp.Time,
		scopes: scopes{node: node, policy: b.Namespace + "/" + p.Name, repository: e.policyRepository(p)}}
	if _, why := l.admit(running, waiting, &me, backups); why != "" {
		e.limits.mu.Unlock()
		return admission{wait: true, res: Result{RequeueAfter: e.opts.LimitRecheckInterval}}, e.noteBackupWaiting(ctx, b, why)
	}
	if err := e.clearBackupWaiting(ctx, b); err != nil {
		e.limits.mu.Unlock()
		return admission{}, err
	}
	return admission{release: e.limits.mu.Unlock}, nil
}

// noteBackupWaiting records why b waits, with an event, unless it says so
// already.
func (e *Executor) noteBackupWaiting(ctx context.Context, b *v1alpha1.Backup, why string) error {
	msg := "waiting: " + why
	if b.Annotations[v1alpha1.AnnotationWaiting] == msg {
		return nil
	}
	setAnnotation(b, v1alpha1.AnnotationWaiting, msg)
	out, err := e.store.Backups().Update(ctx, b)
	if err != nil {
		return err
	}
	e.events.Event(out, corev1.EventTypeNormal, "Waiting", msg)
	return nil
}

// clearBackupWaiting removes the waiting note of a Backup about to start,
// and updates b in place. A crash before the start leaves it New without
// a note: it is admitted again.
func (e *Executor) clearBackupWaiting(ctx context.Context, b *v1alpha1.Backup) error {
	if _, noted := b.Annotations[v1alpha1.AnnotationWaiting]; !noted {
		return nil
	}
	delete(b.Annotations, v1alpha1.AnnotationWaiting)
	out, err := e.store.Backups().Update(ctx, b)
	if err == nil {
		*b = *out
	}
	return err
}

// backupSlots reads from the store the running Backups and the waiting
// ones, but the one of UID self: the New Backups ready to start (their
// target and driver recorded), which start in creation order.
func (e *Executor) backupSlots(ctx context.Context, self types.UID) (running, waiting []slot, err error) {
	repos := repositories{e: e}
	for _, q := range []struct {
		phase v1alpha1.BackupPhase
		out   *[]slot
	}{{v1alpha1.BackupInProgress, &running}, {v1alpha1.BackupNew, &waiting}} {
		items, err := store.ListByShared(ctx, e.store.Backups(), "", store.IndexPhase, string(q.phase))
		if err != nil {
			return nil, nil, err
		}
		for _, b := range items {
			ready := b.Annotations[v1alpha1.AnnotationDriver] != ""
			if b.UID == self || b.DeletionTimestamp != nil || q.phase == v1alpha1.BackupNew && !ready {
				continue
			}
			s, err := backupSlot(ctx, b, &repos)
			if err != nil {
				return nil, nil, err
			}
			*q.out = append(*q.out, s)
		}
	}
	return running, waiting, nil
}

// backupSlot is b as admission counts it.
func backupSlot(ctx context.Context, b *v1alpha1.Backup, repos *repositories) (slot, error) {
	repo, err := repos.of(ctx, b.Namespace, b.Spec.BackupPolicyName)
	return slot{key: types.NamespacedName{Namespace: b.Namespace, Name: b.Name}, created: b.CreationTimestamp.Time,
		scopes: scopes{node: b.Annotations[v1alpha1.AnnotationTargetNode], policy: b.Namespace + "/" + b.Spec.BackupPolicyName,
			repository: repo}}, err
}

// repositories looks up the repository of policies, once per policy in
// one admission.
type repositories struct {
	e    *Executor
	seen map[types.NamespacedName]string
}

func (r *repositories) of(ctx context.Context, namespace, policy string) (string, error) {
	if r.e.limits.backups.PerRepository == 0 && r.e.limits.restores.PerRepository == 0 {
		return "", nil
	}
	key := types.NamespacedName{Namespace: namespace, Name: policy}
	if repo, ok := r.seen[key]; ok {
		return repo, nil
	}
	p, err := r.e.store.BackupPolicies().Get(ctx, namespace, policy)
	if err != nil && !drivers.IsNotFound(err) {
		return "", err
	}
	repo := ""
	if err == nil {
		repo = r.e.policyRepository(p)
	}
	if r.seen == nil {
		r.seen = map[types.NamespacedName]string{}
	}
	r.seen[key] = repo
	return repo, nil
}

// startableBackups returns the waiting Backups that the limits let start
// now, for the Router to wake when one that ran stops.
func (e *Executor) startableBackups(ctx context.Context) ([]Request, error) {
	if e.limits.backups.none() {
		return nil, nil
	}
	running, waiting, err := e.backupSlots(ctx, "")
	if err != nil {
		return nil, err
	}
	starts, _ := e.limits.backups.admit(running, waiting, nil, backups)
	out := make([]Request, len(starts))
	for i, s := range starts {
		out[i] = Request{Kind: KindBackup, Key: s.key}
	}
	return out, nil
}

// recordTarget sets b's annotations of its target and driver; false when
// they were set already.
func recordTarget(b *v1alpha1.Backup, t drivers.Target, driver string) bool {
	a := b.Annotations
	if a[v1alpha1.AnnotationTargetPodName] == t.Name && a[v1alpha1.AnnotationDriver] == driver &&
		a[v1alpha1.AnnotationTargetNode] == t.Node {
		return false
	}
	setAnnotation(b, v1alpha1.AnnotationTargetPodName, t.Name)
	setAnnotation(b, v1alpha1.AnnotationDriver, driver)
	if t.Node != "" {
		setAnnotation(b, v1alpha1.AnnotationTargetNode, t.Node)
	} else {
		delete(b.Annotations, v1alpha1.AnnotationTargetNode)
	}
	return true
}
