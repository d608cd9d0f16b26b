package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DriverName returns the registry name of the driver that runs the tasks of
// a backup of type t made with tool (nil for snapshot backups): "snapshot"
// for snapshot backups; else the tool's driver annotation when set; else its
// deployKind (job when empty).
func DriverName(t v1alpha1.BackupType, tool *v1alpha1.BackupTool) string {
	if t == v1alpha1.BackupTypeSnapshot || tool == nil {
		return drivers.NameSnapshot
	}
	if name := tool.Annotations[v1alpha1.AnnotationDriver]; name != "" {
		return name
	}
	if tool.Spec.DeployKind == "" {
		return drivers.NameJob
	}
	return string(tool.Spec.DeployKind)
}

// driverSelector names what selects the driver DriverName returns, for the
// reasons of a Failed policy: the backup type, the tool's annotation, or
// its deployKind.
func driverSelector(t v1alpha1.BackupType, tool *v1alpha1.BackupTool) string {
	switch {
	case t == v1alpha1.BackupTypeSnapshot || tool == nil:
		return "the backup type " + string(v1alpha1.BackupTypeSnapshot)
	case tool.Annotations[v1alpha1.AnnotationDriver] != "":
		return "the BackupTool's annotation " + v1alpha1.AnnotationDriver
	case tool.Spec.DeployKind == "":
		return "the BackupTool's spec.deployKind (default " + drivers.NameJob + ")"
	}
	return "the BackupTool's spec.deployKind"
}

// DriverCapabilities is the capabilities of each registered driver, by name:
// what the pure policy package validates against.
type DriverCapabilities map[string]drivers.Capabilities

// Check returns nil when the driver registered as name runs tasks of kind k
// for backup type t, and otherwise an error saying why; when no driver is
// registered as name, the error lists the registered names.
func (s DriverCapabilities) Check(name string, k drivers.TaskKind, t v1alpha1.BackupType) error {
	c, ok := s[name]
	if !ok {
		registered := "none"
		if len(s) > 0 {
			registered = strings.Join(slices.Sorted(maps.Keys(s)), ", ")
		}
		return fmt.Errorf("no driver is registered as %q (registered: %s)", name, registered)
	}
	if !c.Supports(k, t) {
		return fmt.Errorf("driver %q does not run %s tasks of %s backups", name, k, t)
	}
	return nil
}

// DriversOf returns the registry names of the drivers that would run the
// backups of p (see DriverName), sorted, without duplicates; a type whose
// tool is missing from tools is left out.
func DriversOf(p *v1alpha1.BackupPolicy, tools map[string]*v1alpha1.BackupTool) []string {
	var names []string
	if p.Spec.Snapshot != nil {
		names = append(names, DriverName(v1alpha1.BackupTypeSnapshot, nil))
	}
	for _, t := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		if c := p.CommonPolicyFor(t); c != nil && tools[c.BackupToolName] != nil {
			names = append(names, DriverName(t, tools[c.BackupToolName]))
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// usesUnavailable says whether a driver p uses is in in.UnavailableDrivers.
func usesUnavailable(p *v1alpha1.BackupPolicy, in Inputs) bool {
	for _, name := range DriversOf(p, in.Tools) {
		if _, down := in.UnavailableDrivers[name]; down {
			return true
		}
	}
	return false
}
