package executor

import (
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// policyView is what a BackupPolicy's reconcile reads of one of its
// Backups: a change of a Backup concerns its policy only when its view
// changes (Router.Route). It is comparable.
type policyView struct {
	// Policy is spec.backupPolicyName; PolicyLabel the policy label that
	// history limits count by.
	Policy, PolicyLabel string
	// Phase is status.phase.
	Phase v1alpha1.BackupPhase
	// Auto and Protection are the labels of scheduled and retained
	// Backups; Scheduled is the scheduled slot's annotation.
	Auto, Protection, Scheduled string
	// Parent is the parent of an incremental Backup, from the spec or the
	// status.
	Parent, StatusParent string
	// Deleting is set once the Backup is marked for deletion.
	Deleting bool
}

// policyViewOf returns b's view.
func policyViewOf(b *v1alpha1.Backup) policyView {
	return policyView{Policy: b.Spec.BackupPolicyName, PolicyLabel: b.Labels[v1alpha1.LabelBackupPolicy],
		Phase: b.Status.Phase, Auto: b.Labels[v1alpha1.LabelAutoBackup], Protection: b.Labels[v1alpha1.LabelBackupProtection],
		Scheduled: b.Annotations[v1alpha1.AnnotationScheduledTime], Parent: b.Spec.ParentBackupName,
		StatusParent: b.Status.ParentBackupName, Deleting: b.DeletionTimestamp != nil}
}

// routeBackupView requests b itself, and the policies of the old view ov
// (nil: unknown, or a creation) and of nb (nil: deleted) when the view
// changed; b is nb, or the last state known of a deleted Backup. freed
// says that the change may have stopped a running Backup (it finished, is
// being deleted or is gone), so that waiting ones may start.
func routeBackupView(ov *policyView, nb, b *v1alpha1.Backup) (reqs []Request, freed bool) {
	own := request(KindBackup, b.Namespace, b.Name)
	if ov != nil && nb != nil && *ov == policyViewOf(nb) {
		return []Request{own}, false
	}
	out := named(own, request(KindBackupPolicy, b.Namespace, b.Spec.BackupPolicyName))
	if ov != nil && ov.Policy != b.Spec.BackupPolicyName && ov.Policy != "" {
		out = append(out, request(KindBackupPolicy, b.Namespace, ov.Policy))
	}
	stopped := nb == nil || nb.DeletionTimestamp != nil || nb.Status.Phase.IsTerminal()
	mayHaveRun := ov == nil || ov.Phase == v1alpha1.BackupInProgress && !ov.Deleting
	return out, stopped && mayHaveRun
}

// backupViews are the views of the Backups Run's feed has seen and that
// are not finished, so that the feed, whose watch events carry no previous
// state, routes their changes as narrowly as an informer's update. A
// finished Backup's changes are rare and route as changes of an unknown
// state. Used by one goroutine.
type backupViews map[types.NamespacedName]policyView

// route returns the Requests of a watch event of a Backup and notes its
// view; freed as routeBackupView says.
func (v backupViews) route(ev watch.Event) (reqs []Request, freed bool) {
	b, ok := object(ev.Object).(*v1alpha1.Backup)
	if !ok {
		return nil, false
	}
	key := types.NamespacedName{Namespace: b.Namespace, Name: b.Name}
	old, known := v[key]
	var ov *policyView
	if known {
		ov = &old
	}
	if ev.Type == watch.Deleted {
		delete(v, key)
		return routeBackupView(ov, nil, b)
	}
	if b.Status.Phase.IsTerminal() {
		delete(v, key)
	} else {
		v[key] = policyViewOf(b)
	}
	return routeBackupView(ov, b, b)
}
