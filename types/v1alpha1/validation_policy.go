package v1alpha1

import (
	"errors"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ValidateBackupPolicy validates a BackupPolicy's metadata and spec,
// including the ttl and cron grammars (a ttl that upstream accepted but
// that turns retention off, ErrTTLIgnored, is valid) and that every enabled schedule has a
// policy for its backup type. It does not look up the BackupTools the policy
// names; the policy package does that.
func ValidateBackupPolicy(p *BackupPolicy) field.ErrorList {
	errs := validateMeta(p.Name, p.Namespace, true)
	if over := policyLimits(p); len(over) > 0 {
		return LimitErrors(append(errs, over...))
	}
	spec := field.NewPath("spec")
	if r := p.Spec.Retention; r != nil && r.TTL != nil {
		if _, err := ParseTTL(*r.TTL); err != nil && !errors.Is(err, ErrTTLIgnored) {
			errs = append(errs, field.Invalid(spec.Child("retention", "ttl"), *r.TTL, err.Error()))
		}
	}
	errs = append(errs, validateSchedules(p, spec.Child("schedule"))...)
	if s := p.Spec.Snapshot; s != nil {
		errs = append(errs, validateBasePolicy(&s.BasePolicy, spec.Child("snapshot"))...)
	}
	if c := p.Spec.Datafile; c != nil {
		errs = append(errs, validateCommonPolicy(c, spec.Child("datafile"))...)
	}
	if c := p.Spec.Logfile; c != nil {
		errs = append(errs, validateCommonPolicy(c, spec.Child("logfile"))...)
	}
	return LimitErrors(errs)
}

// HasPolicyFor reports whether the policy has a section for backup type t.
func (p *BackupPolicy) HasPolicyFor(t BackupType) bool {
	return p.BasePolicyFor(t) != nil
}

// BasePolicyFor returns the BasePolicy of backup type t, or nil when the
// policy has no section for it.
func (p *BackupPolicy) BasePolicyFor(t BackupType) *BasePolicy {
	switch t {
	case BackupTypeSnapshot:
		if p.Spec.Snapshot != nil {
			return &p.Spec.Snapshot.BasePolicy
		}
	case BackupTypeDataFile:
		if p.Spec.Datafile != nil {
			return &p.Spec.Datafile.BasePolicy
		}
	case BackupTypeLogFile:
		if p.Spec.Logfile != nil {
			return &p.Spec.Logfile.BasePolicy
		}
	}
	return nil
}

// SchedulePolicyFor returns the schedule of backup type t, or nil.
func (p *BackupPolicy) SchedulePolicyFor(t BackupType) *SchedulePolicy {
	s := p.Spec.Schedule
	if s == nil {
		return nil
	}
	switch t {
	case BackupTypeSnapshot:
		return s.Snapshot
	case BackupTypeDataFile:
		return s.Datafile
	case BackupTypeLogFile:
		return s.Logfile
	}
	return nil
}

// CommonPolicyFor returns the datafile or logfile policy, or nil for the
// snapshot type or a missing section.
func (p *BackupPolicy) CommonPolicyFor(t BackupType) *CommonBackupPolicy {
	switch t {
	case BackupTypeDataFile:
		return p.Spec.Datafile
	case BackupTypeLogFile:
		return p.Spec.Logfile
	}
	return nil
}

func validateSchedules(p *BackupPolicy, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, t := range BackupTypes {
		sp := p.SchedulePolicyFor(t)
		if sp == nil {
			continue
		}
		cp := fp.Child(string(t), "cronExpression")
		if _, err := ParseCron(sp.CronExpression); err != nil {
			errs = append(errs, field.Invalid(cp, sp.CronExpression, err.Error()))
		}
		if sp.Enable && !p.HasPolicyFor(t) {
			errs = append(errs, field.Required(field.NewPath("spec", string(t)), "an enabled "+string(t)+" schedule needs a "+string(t)+" policy"))
		}
	}
	return errs
}

func validateBasePolicy(b *BasePolicy, fp *field.Path) field.ErrorList {
	errs := validateTarget(&b.Target, fp.Child("target"))
	if l := b.BackupsHistoryLimit; l != nil && *l < 0 {
		errs = append(errs, field.Invalid(fp.Child("backupsHistoryLimit"), *l, "must be non-negative (0 means no limit)"))
	}
	if b.OnFailAttempted < 0 {
		errs = append(errs, field.Invalid(fp.Child("onFailAttempted"), b.OnFailAttempted, "must be non-negative"))
	}
	for i := range b.BackupStatusUpdates {
		errs = append(errs, validateStatusUpdate(&b.BackupStatusUpdates[i], fp.Child("backupStatusUpdates").Index(i))...)
	}
	return errs
}

func validateStatusUpdate(u *BackupStatusUpdate, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	if u.Path != "" && !statusPathPattern.MatchString(u.Path) {
		errs = append(errs, field.Invalid(fp.Child("path"), u.Path, "must be dot-separated field names under status, such as manifests.backupLog"))
	}
	if u.Script == "" {
		errs = append(errs, field.Required(fp.Child("script"), "a status update runs a script"))
	}
	if u.UpdateStage != "" {
		errs = append(errs, validateEnum(u.UpdateStage, []BackupStatusUpdateStage{PreBackup, PostBackup}, fp.Child("updateStage"))...)
	}
	return errs
}

func validateCommonPolicy(c *CommonBackupPolicy, fp *field.Path) field.ErrorList {
	errs := validateBasePolicy(&c.BasePolicy, fp)
	errs = append(errs, validateRefName(c.BackupToolName, fp.Child("backupToolName"), true)...)
	errs = append(errs, validatePVC(&c.PersistentVolumeClaim, fp.Child("persistentVolumeClaim"))...)
	return errs
}

// validatePVC validates a claim. An empty name is valid, as upstream: the
// engine's default claim is used (see policy.BackupClaimDefaults). So is a
// storageClassName together with a persistentVolumeConfigMap: the class
// wins, as upstream.
func validatePVC(c *PersistentVolumeClaim, fp *field.Path) field.ErrorList {
	errs := validateRefName(c.Name, fp.Child("name"), false)
	if c.CreatePolicy != "" {
		errs = append(errs, validateEnum(c.CreatePolicy, []CreatePVCPolicy{CreatePVCPolicyIfNotPresent, CreatePVCPolicyNever}, fp.Child("createPolicy"))...)
	}
	if q := c.InitCapacity; q != nil && q.Sign() <= 0 {
		errs = append(errs, field.Invalid(fp.Child("initCapacity"), q.String(), "must be positive"))
	}
	if cm := c.PersistentVolumeConfigMap; cm != nil {
		cp := fp.Child("persistentVolumeConfigMap")
		errs = append(errs, validateRefName(cm.Name, cp.Child("name"), true)...)
		errs = append(errs, validateMetaNamespace(cm.Namespace, cp.Child("namespace"))...)
	}
	return errs
}
