package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// reservedEnv are the variables the engine sets for every tool command; a
// tool may reference them with $(NAME) but not redefine them.
var reservedEnv = []string{"DB_HOST", "DB_USER", "DB_PASSWORD", "BACKUP_NAME", "BACKUP_DIR"}

func validateEnv(env []corev1.EnvVar, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range env {
		np := fp.Index(i).Child("name")
		if e.Name == "" {
			errs = append(errs, field.Required(np, ""))
			continue
		}
		for _, msg := range validation.IsEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(np, e.Name, msg))
		}
		for _, r := range reservedEnv {
			if e.Name == r {
				errs = append(errs, field.Forbidden(np, e.Name+" is set by the engine"))
			}
		}
		if e.Value != "" && e.ValueFrom != nil {
			errs = append(errs, field.Invalid(fp.Index(i).Child("valueFrom"), "", "may not be set when value is not empty"))
		}
	}
	return errs
}

func validateEnvFrom(src *corev1.EnvFromSource, fp *field.Path) field.ErrorList {
	var errs field.ErrorList
	if (src.ConfigMapRef != nil) == (src.SecretRef != nil) {
		errs = append(errs, field.Invalid(fp, "", "exactly one of configMapRef and secretRef must be set"))
	}
	if src.Prefix != "" {
		for _, msg := range validation.IsEnvVarName(src.Prefix) {
			errs = append(errs, field.Invalid(fp.Child("prefix"), src.Prefix, msg))
		}
	}
	return errs
}
