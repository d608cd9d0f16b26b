package drivers

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

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
//
// A name is a DNS-1123 label, the grammar of the names it stands beside in
// the API (deployKinds, annotation values a person types): 1 to 63
// characters, lowercase letters, digits and '-', starting and ending with a
// letter or a digit, such as "job", "snapshot" or "pg-mirror". Check
// enforces it.
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
	if d, ok := r[name]; ok && !isNil(d) {
		return d, nil
	}
	return nil, Errorf(NotFound, "no driver registered as %q (registered: %v)", name, r.Names())
}

// Check returns nil when every entry can be used: its name is a valid name
// (see Registry) and its driver is not nil — neither a nil interface nor a
// nil pointer, map or func in one, which is what `d, _ := local.New(...)`
// registers when the constructor fails. Otherwise it returns an error with
// code InvalidArgument that names every bad entry, in name order.
func (r Registry) Check() error {
	var problems []string
	for _, name := range r.Names() {
		if len(validation.IsDNS1123Label(name)) > 0 {
			problems = append(problems, fmt.Sprintf("%q is not a valid driver name: use 1 to 63 lowercase letters, "+
				"digits and '-', starting and ending with a letter or digit", name))
		}
		if isNil(r[name]) {
			problems = append(problems, fmt.Sprintf("driver %q is nil", name))
		}
	}
	if len(problems) > 0 {
		return Errorf(InvalidArgument, "%s", strings.Join(problems, "; "))
	}
	return nil
}

// isNil reports whether d is nil or holds a nil value of a type that has
// one (a pointer, map, func, slice, channel or interface).
func isNil(d Driver) bool {
	if d == nil {
		return true
	}
	switch v := reflect.ValueOf(d); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Slice, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}
