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
