package csi

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
)

// validate checks the task's shape (drivers.ValidateTask), that the driver
// runs its kind and type, and what a snapshot task needs.
func (d *Driver) validate(t *drivers.Task) error {
	if err := drivers.ValidateTask(t); err != nil {
		return fmt.Errorf("csi: %w", err)
	}
	if !d.capabilities().Supports(t.Kind, t.BackupType) {
		return drivers.Errorf(drivers.Unimplemented, "csi: task %s: the snapshot driver does not run %s tasks of %q backups",
			t.ID, t.Kind, t.BackupType)
	}
	if err := drivers.ValidateCommands(t); err != nil {
		return fmt.Errorf("csi: %w", err)
	}
	switch t.Kind {
	case drivers.KindHook, drivers.KindStatusUpdate:
		return nil
	}
	return validateSnapshot(t)
}

func validateSnapshot(t *drivers.Task) error {
	s := t.Snapshot
	switch {
	case namespaceOf(t) == "":
		return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s has no namespace (target or owner)", t.Kind, t.ID)
	case len(s.Claims) == 0 && t.Kind != drivers.KindDeleteArtifacts:
		return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s names no claims", t.Kind, t.ID)
	}
	if errs := validation.IsDNS1123Subdomain(s.Name); len(errs) > 0 {
		return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s: snapshot name %q: %s", t.Kind, t.ID, s.Name, strings.Join(errs, "; "))
	}
	for _, c := range s.Claims {
		if errs := validation.IsDNS1123Subdomain(c); len(errs) > 0 {
			return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s: claim name %q: %s", t.Kind, t.ID, c, strings.Join(errs, "; "))
		}
	}
	return nil
}
