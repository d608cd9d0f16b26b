package v1alpha1

import (
	"fmt"
	"path"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The Validate functions check an object against the rules of the CRD schema
// (required fields, enums, patterns, bounds) and the rules a schema cannot
// express (ttl and cron grammar, label selectors, references between fields).
// Each error carries the field path, such as spec.retention.ttl. They do not
// apply defaults: validate a defaulted object (SetDefaults) to judge it as
// the API server would. They check the limits on list sizes (MaxEnv,
// MaxCommands, ...) first and then return only the errors of those limits,
// so their cost is bounded, and they report at most MaxReportedErrors errors
// (LimitErrors).

// statusPathPattern is the grammar of backupStatusUpdates[].path.
var statusPathPattern = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*)(\.[a-zA-Z][a-zA-Z0-9]*)*$`)

// ValidateBackup validates a Backup's metadata and spec.
func ValidateBackup(b *Backup) field.ErrorList {
	errs := validateMeta(b.Name, b.Namespace, true)
	spec := field.NewPath("spec")
	errs = append(errs, validateRefName(b.Spec.BackupPolicyName, spec.Child("backupPolicyName"), true)...)
	errs = append(errs, validateEnum(b.Spec.BackupType, BackupTypes, spec.Child("backupType"))...)
	if p := b.Spec.ParentBackupName; p != "" {
		fp := spec.Child("parentBackupName")
		errs = append(errs, validateRefName(p, fp, false)...)
		if p == b.Name {
			errs = append(errs, field.Invalid(fp, p, "a backup cannot be its own parent"))
		}
		if b.Spec.BackupType != BackupTypeDataFile {
			errs = append(errs, field.Invalid(fp, p, "only datafile backups can be incremental"))
		}
	}
	return LimitErrors(errs)
}

// ValidateBackupTool validates a BackupTool's metadata and spec.
func ValidateBackupTool(t *BackupTool) field.ErrorList {
	errs := validateMeta(t.Name, t.Namespace, false)
	if over := toolLimits(&t.Spec); len(over) > 0 {
		return LimitErrors(append(errs, over...))
	}
	spec := field.NewPath("spec")
	errs = append(errs, validateEnum(t.Spec.DeployKind, []DeployKind{DeployKindJob, DeployKindDaemon}, spec.Child("deployKind"))...)
	errs = append(errs, validateEnum(t.Spec.Type, []ToolType{ToolTypeFile, ToolTypePITR}, spec.Child("type"))...)
	errs = append(errs, validateCommands(t.Spec.BackupCommands, spec.Child("backupCommands"))...)
	errs = append(errs, validateCommands(t.Spec.IncrementalBackupCommands, spec.Child("incrementalBackupCommands"))...)
	errs = append(errs, validateRestoreCommand(&t.Spec.Physical, spec.Child("physical"))...)
	if t.Spec.Logical != nil {
		errs = append(errs, validateRestoreCommand(t.Spec.Logical, spec.Child("logical"))...)
	}
	errs = append(errs, validateEnv(t.Spec.Env, spec.Child("env"))...)
	for i, src := range t.Spec.EnvFrom {
		errs = append(errs, validateEnvFrom(&src, spec.Child("envFrom").Index(i))...)
	}
	return LimitErrors(errs)
}

// ValidateRestoreJob validates a RestoreJob's metadata and spec.
func ValidateRestoreJob(r *RestoreJob) field.ErrorList {
	errs := validateMeta(r.Name, r.Namespace, true)
	if over := restoreJobLimits(&r.Spec); len(over) > 0 {
		return LimitErrors(append(errs, over...))
	}
	spec := field.NewPath("spec")
	errs = append(errs, validateRefName(r.Spec.BackupJobName, spec.Child("backupJobName"), true)...)
	errs = append(errs, validateTarget(&r.Spec.Target, spec.Child("target"))...)
	errs = append(errs, validateVolumes(r.Spec.TargetVolumes, r.Spec.TargetVolumeMounts, spec)...)
	if r.Spec.OnFailAttempted < 0 {
		errs = append(errs, field.Invalid(spec.Child("onFailAttempted"), r.Spec.OnFailAttempted, "must be non-negative"))
	}
	return LimitErrors(errs)
}

func validateMeta(name, namespace string, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	md := field.NewPath("metadata")
	if name == "" {
		errs = append(errs, field.Required(md.Child("name"), ""))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(name) {
			errs = append(errs, field.Invalid(md.Child("name"), name, msg))
		}
	}
	switch {
	case !namespaced && namespace != "":
		errs = append(errs, field.Forbidden(md.Child("namespace"), "BackupTool is cluster-scoped"))
	case namespaced && namespace != "":
		errs = append(errs, validateMetaNamespace(namespace, md.Child("namespace"))...)
	}
	return errs
}

func validateMetaNamespace(ns string, fp *field.Path) field.ErrorList {
	if ns == "" {
		return field.ErrorList{field.Required(fp, "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(ns) {
		errs = append(errs, field.Invalid(fp, ns, msg))
	}
	return errs
}

// validateRefName checks a reference to another object by name.
func validateRefName(name string, fp *field.Path, required bool) field.ErrorList {
	if name == "" {
		if required {
			return field.ErrorList{field.Required(fp, "")}
		}
		return nil
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(fp, name, msg))
	}
	return errs
}

func validateEnum[T ~string](v T, allowed []T, fp *field.Path) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(fp, fmt.Sprintf("one of %q", allowed))}
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(fp, v, allowed)}
}

func validateCommands(cmds []string, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range cmds {
		if c == "" {
			errs = append(errs, field.Invalid(fp.Index(i), c, "a command must not be empty"))
		}
	}
	return errs
}

func validateRestoreCommand(c *BackupToolRestoreCommand, fp *field.Path) field.ErrorList {
	errs := validateCommands(c.RestoreCommands, fp.Child("restoreCommands"))
	errs = append(errs, validateCommands(c.IncrementalRestoreCommands, fp.Child("incrementalRestoreCommands"))...)
	if len(c.IncrementalRestoreCommands) > 0 && len(c.RestoreCommands) == 0 {
		errs = append(errs, field.Required(fp.Child("restoreCommands"), "incremental restores replay on top of a full restore"))
	}
	return errs
}

func validateTarget(t *TargetCluster, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	sel := fp.Child("labelsSelector")
	if t.LabelsSelector == nil {
		errs = append(errs, field.Required(sel, ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabelSelector(t.LabelsSelector, metav1validation.LabelSelectorValidationOptions{}, sel)...)
	}
	if s := t.Secret; s != nil {
		sp := fp.Child("secret")
		errs = append(errs, validateRefName(s.Name, sp.Child("name"), true)...)
		errs = append(errs, validateSecretKey(s.UsernameKey, sp.Child("usernameKey"))...)
		errs = append(errs, validateSecretKey(s.PasswordKey, sp.Child("passwordKey"))...)
	}
	return errs
}

func validateSecretKey(key string, fp *field.Path) field.ErrorList {
	if key == "" {
		return field.ErrorList{field.Required(fp, "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsConfigMapKey(key) {
		errs = append(errs, field.Invalid(fp, key, msg))
	}
	return errs
}

func validateVolumes(vols []corev1.Volume, mounts []corev1.VolumeMount, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := sets.New[string]()
	for i, v := range vols {
		fp := spec.Child("targetVolumes").Index(i).Child("name")
		for _, msg := range validation.IsDNS1123Label(v.Name) {
			errs = append(errs, field.Invalid(fp, v.Name, msg))
		}
		if names.Has(v.Name) {
			errs = append(errs, field.Duplicate(fp, v.Name))
		}
		names.Insert(v.Name)
	}
	for i, m := range mounts {
		fp := spec.Child("targetVolumeMounts").Index(i)
		if !names.Has(m.Name) {
			errs = append(errs, field.NotFound(fp.Child("name"), m.Name))
		}
		if !path.IsAbs(m.MountPath) {
			errs = append(errs, field.Invalid(fp.Child("mountPath"), m.MountPath, "must be an absolute path"))
		}
	}
	return errs
}
