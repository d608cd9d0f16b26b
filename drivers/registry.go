package drivers

import (
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
// selects with the annotation v1alpha1.AnnotationDriver. One driver may be
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
