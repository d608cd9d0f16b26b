package policy

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// checkRepository checks the repository a policy chooses (its annotation
// v1alpha1.AnnotationRepository, else in.DefaultRepository): the host
// registered it, and the driver of each of its datafile and logfile
// backups runs tasks with a repository. The errors' path is the
// annotation; for the default repository they say so.
func checkRepository(p *v1alpha1.BackupPolicy, in Inputs) field.ErrorList {
	name := RepositoryOf(p, in.DefaultRepository)
	if name == "" {
		return nil
	}
	fp := field.NewPath("metadata", "annotations").Key(v1alpha1.AnnotationRepository)
	chosen := ""
	if _, ok := p.Annotations[v1alpha1.AnnotationRepository]; !ok {
		chosen = fmt.Sprintf("the engine's default repository %q (set the annotation to \"\" to keep this policy's backups in its claim): ", name)
	}
	if !slices.Contains(in.Repositories, name) {
		registered := "none"
		if len(in.Repositories) > 0 {
			registered = strings.Join(slices.Sorted(slices.Values(in.Repositories)), ", ")
		}
		return field.ErrorList{field.Invalid(fp, name, fmt.Sprintf("%sno repository is registered as %q (registered: %s)", chosen, name, registered))}
	}
	var errs field.ErrorList
	for _, t := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		c := p.CommonPolicyFor(t)
		if c == nil || in.Tools[c.BackupToolName] == nil {
			continue // no such backups, or the missing tool is reported
		}
		tool := in.Tools[c.BackupToolName]
		driver := DriverName(t, tool)
		if caps, ok := in.Drivers[driver]; ok && !caps.Repositories {
			errs = append(errs, field.Invalid(fp, name, fmt.Sprintf("%s%s selects the driver %q for %s backups, which does not run tasks with a repository",
				chosen, driverSelector(t, tool), driver, t)))
		}
	}
	return errs
}
