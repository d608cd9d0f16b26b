package policy

import (
	"fmt"

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

// DriverCapabilities is the capabilities of each registered driver, by name:
// what the pure policy package validates against.
type DriverCapabilities map[string]drivers.Capabilities

// Check returns nil when the driver registered as name runs tasks of kind k
// for backup type t, and otherwise an error saying why.
func (s DriverCapabilities) Check(name string, k drivers.TaskKind, t v1alpha1.BackupType) error {
	c, ok := s[name]
	if !ok {
		return fmt.Errorf("no driver registered as %q", name)
	}
	if !c.Supports(k, t) {
		return fmt.Errorf("driver %q does not run %s tasks of %s backups", name, k, t)
	}
	return nil
}
