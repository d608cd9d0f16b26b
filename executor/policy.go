package executor

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// reconcileBackupPolicy validates the BackupPolicy namespace/name and writes
// its phase, failureReason and observedGeneration; when it is Available, it
// creates the Backups its schedules are due for (named by slot, so a slot
// never yields two), records lastScheduleTime and lastSuccessfulTime, and
// deletes the Backups its retention plan (ttl, backupsHistoryLimit) lets go.
// It comes back at the next slot or expiration.
func (e *Executor) reconcileBackupPolicy(ctx context.Context, namespace, name string) (Result, error) {
	p, err := e.store.BackupPolicies().Get(ctx, namespace, name)
	if drivers.IsNotFound(err) {
		e.verdicts.forget(namespace, name)
		return Result{}, nil
	}
	if err != nil || p.DeletionTimestamp != nil {
		return Result{}, err
	}
	v1alpha1.SetDefaultsBackupPolicy(p)
	verdict, err := e.validation(ctx, p)
	if err != nil {
		return Result{}, err
	}
	if p, err = e.writePolicyPhase(ctx, p, verdict); err != nil || verdict.Phase != v1alpha1.PolicyAvailable {
		if err == nil && verdict.Retry {
			return Result{RequeueAfter: e.opts.RetryDelay}, nil // a driver it uses may come back
		}
		return Result{}, err
	}
	backups, err := e.policyBackups(ctx, p)
	if err != nil {
		return Result{}, err
	}
	next, err := e.schedule(ctx, p, backups)
	if err != nil {
		return Result{}, err
	}
	if err := e.writePolicyTimes(ctx, p, backups); err != nil {
		return Result{}, err
	}
	expiry, err := e.retain(ctx, p, backups)
	if err != nil {
		return Result{}, err
	}
	return Result{RequeueAfter: e.requeueAt(earliest(next, expiry))}, nil
}

func (e *Executor) validatePolicy(ctx context.Context, p *v1alpha1.BackupPolicy) (policy.Validation, error) {
	in := policy.Inputs{Tools: map[string]*v1alpha1.BackupTool{}, Claims: e.claims, Repositories: e.repositoryNames(),
		DefaultRepository: e.defaultRepo}
	tools, err := e.store.BackupTools().List(ctx, "", nil)
	if err != nil {
		return policy.Validation{}, err
	}
	for _, t := range tools {
		v1alpha1.SetDefaultsBackupTool(t)
		in.Tools[t.Name] = t
	}
	in.Drivers, in.UnavailableDrivers = e.capabilities(ctx)
	if e.secrets != nil {
		if in.SecretKeys, err = e.secretKeys(ctx, p); err != nil {
			return policy.Validation{}, err
		}
	}
	return policy.Validate(p, in), nil
}

func (e *Executor) secretKeys(ctx context.Context, p *v1alpha1.BackupPolicy) (map[string][]string, error) {
	out := map[string][]string{}
	for _, t := range v1alpha1.BackupTypes {
		base := p.BasePolicyFor(t)
		if base == nil || base.Target.Secret == nil {
			continue
		}
		name := base.Target.Secret.Name
		keys, err := e.secrets.SecretKeys(ctx, p.Namespace, name)
		switch {
		case drivers.IsNotFound(err):
			continue // absent from the map: reported as not found
		case err != nil:
			return nil, fmt.Errorf("secret %q: %w", name, err)
		}
		out[name] = keys
	}
	return out, nil
}

// writePolicyPhase writes the verdict, with an event when the phase changes.
func (e *Executor) writePolicyPhase(ctx context.Context, p *v1alpha1.BackupPolicy, v policy.Validation) (*v1alpha1.BackupPolicy, error) {
	v.Reason = v1alpha1.TruncateMessage(v.Reason)
	s := p.Status
	if s.Phase == v.Phase && s.FailureReason == v.Reason && s.ObservedGeneration == p.Generation {
		return p, nil
	}
	next := p.DeepCopy()
	next.Status.Phase, next.Status.FailureReason, next.Status.ObservedGeneration = v.Phase, v.Reason, p.Generation
	out, err := e.store.BackupPolicies().UpdateStatus(ctx, next)
	if err != nil {
		return nil, err
	}
	switch {
	case v.Retry:
		e.events.Event(out, corev1.EventTypeWarning, "DriverUnavailable", v.Reason)
	case v.Phase == v1alpha1.PolicyFailed:
		e.events.Event(out, corev1.EventTypeWarning, "InvalidPolicy", v.Reason)
	case v.Reason != "":
		e.availableNotes(out, s, v)
	case s.Phase != v.Phase:
		e.events.Event(out, corev1.EventTypeNormal, "Available", "the policy is valid")
	}
	v1alpha1.SetDefaultsBackupPolicy(out)
	return out, nil
}

// availableNotes emits the Warning events of an Available policy with
// notes (v.Reason) whose status was old: BackupPVCNameIsEmpty for the
// types that cannot run, and TTLIgnored once, when the policy becomes
// Available or its ttl note is new, not on every change of its status.
func (e *Executor) availableNotes(p *v1alpha1.BackupPolicy, old v1alpha1.BackupPolicyStatus, v policy.Validation) {
	var unavailable []string
	for _, t := range v1alpha1.BackupTypes {
		if why, ok := v.Unavailable[t]; ok {
			unavailable = append(unavailable, why)
		}
	}
	if len(unavailable) > 0 {
		e.events.Event(p, corev1.EventTypeWarning, policy.ReasonBackupPVCNameIsEmpty, strings.Join(unavailable, "; "))
	}
	if v.TTLIgnored != "" && (old.Phase != v.Phase || !strings.Contains(old.FailureReason, v.TTLIgnored)) {
		e.events.Event(p, corev1.EventTypeWarning, policy.ReasonTTLIgnored, v.TTLIgnored)
	}
}

// policyBackups lists the Backups made with the policy, from the store's
// index: a reconcile costs the policy's Backups, not the namespace's. They
// are the store's own objects, not copies (store.ListByShared): schedule,
// writePolicyTimes and retain only read them.
func (e *Executor) policyBackups(ctx context.Context, p *v1alpha1.BackupPolicy) ([]*v1alpha1.Backup, error) {
	return store.ListByShared(ctx, e.store.Backups(), p.Namespace, store.IndexBackupPolicy, p.Name)
}

// writePolicyTimes records the latest scheduled slot and the latest
// completion of a Backup of the policy.
func (e *Executor) writePolicyTimes(ctx context.Context, p *v1alpha1.BackupPolicy, backups []*v1alpha1.Backup) error {
	var lastSchedule, lastSuccess *metav1.Time
	for _, b := range backups {
		if slot, ok := scheduledSlot(b); ok && (lastSchedule == nil || slot.After(lastSchedule.Time)) {
			lastSchedule = timePtr(metav1.NewTime(slot))
		}
		c := b.Status.CompletionTimestamp
		if b.Status.Phase == v1alpha1.BackupCompleted && c != nil && (lastSuccess == nil || c.After(lastSuccess.Time)) {
			lastSuccess = c
		}
	}
	if lastSchedule.Equal(p.Status.LastScheduleTime) && lastSuccess.Equal(p.Status.LastSuccessfulTime) {
		return nil
	}
	next := p.DeepCopy()
	next.Status.LastScheduleTime, next.Status.LastSuccessfulTime = lastSchedule, lastSuccess
	_, err := e.store.BackupPolicies().UpdateStatus(ctx, next)
	return err
}
