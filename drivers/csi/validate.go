package csi

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
)

// validate checks that the driver runs task and that it is well formed.
func (d *Driver) validate(t *drivers.Task) error {
	if t == nil {
		return drivers.Errorf(drivers.InvalidArgument, "csi: nil task")
	}
	if errs := validation.IsDNS1123Label(t.ID); len(errs) > 0 {
		return drivers.Errorf(drivers.InvalidArgument, "csi: task ID %q: %s", t.ID, strings.Join(errs, "; "))
	}
	if !d.capabilities().Supports(t.Kind, t.BackupType) {
		return drivers.Errorf(drivers.Unimplemented, "csi: task %s: the snapshot driver does not run %s tasks of %q backups",
			t.ID, t.Kind, t.BackupType)
	}
	switch t.Kind {
	case drivers.KindHook, drivers.KindStatusUpdate:
		return validateHook(t)
	}
	return validateSnapshot(t)
}

func validateSnapshot(t *drivers.Task) error {
	s := t.Snapshot
	switch {
	case s == nil:
		return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s has no snapshot", t.Kind, t.ID)
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

func validateHook(t *drivers.Task) error {
	for _, s := range t.Steps {
		if len(s.Commands) > 0 {
			return nil
		}
	}
	return drivers.Errorf(drivers.InvalidArgument, "csi: %s task %s has no commands", t.Kind, t.ID)
}
