package drivers

import (
	"fmt"
	"sort"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The registry names the engine looks up by default.
const (
	// NameJob runs the tasks of BackupTools with deployKind job.
	NameJob = string(v1alpha1.DeployKindJob)
	// NameDaemon runs the tasks of BackupTools with deployKind daemon.
	NameDaemon = string(v1alpha1.DeployKindDaemon)
	// NameSnapshot runs the tasks of snapshot backups.
	NameSnapshot = string(v1alpha1.BackupTypeSnapshot)
)

// Registry maps names to drivers: "job" and "daemon" (the deployKinds),
// "snapshot" (the snapshot backup type), and any other name a BackupTool
// selects with the annotation v1alpha1.DriverAnnotation. One driver may be
// registered under several names. The host fills it; the engine only reads
// it.
type Registry map[string]Driver

// Names returns the registered names, sorted.
func (r Registry) Names() []string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the driver registered as name, or an error with code
// NotFound that lists the registered names.
func (r Registry) Lookup(name string) (Driver, error) {
	if d, ok := r[name]; ok && d != nil {
		return d, nil
	}
	return nil, Errorf(NotFound, "no driver registered as %q (registered: %v)", name, r.Names())
}

// DriverName returns the registry name of the driver that runs the tasks of
// a backup of type t made with tool (nil for snapshot backups): "snapshot"
// for snapshot backups; else the tool's driver annotation when set; else its
// deployKind (job when empty).
func DriverName(t v1alpha1.BackupType, tool *v1alpha1.BackupTool) string {
	if t == v1alpha1.BackupTypeSnapshot || tool == nil {
		return NameSnapshot
	}
	if name := tool.Annotations[v1alpha1.DriverAnnotation]; name != "" {
		return name
	}
	if tool.Spec.DeployKind == "" {
		return NameJob
	}
	return string(tool.Spec.DeployKind)
}

// CapabilitySet is the capabilities of each registered driver, by name:
// what the pure policy package validates against.
type CapabilitySet map[string]Capabilities

// Check returns nil when the driver registered as name runs tasks of kind k
// for backup type t, and otherwise an error saying why.
func (s CapabilitySet) Check(name string, k TaskKind, t v1alpha1.BackupType) error {
	c, ok := s[name]
	if !ok {
		return fmt.Errorf("no driver registered as %q", name)
	}
	if !c.Supports(k, t) {
		return fmt.Errorf("driver %q does not run %s tasks of %s backups", name, k, t)
	}
	return nil
}
