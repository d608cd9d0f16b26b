package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Inputs are what Validate checks a policy against.
type Inputs struct {
	// Tools are the BackupTools by name; a tool the policy names and that
	// is missing here does not exist.
	Tools map[string]*v1alpha1.BackupTool
	// Drivers are the capabilities of the registered drivers by name.
	Drivers DriverCapabilities
	// UnavailableDrivers are the registered drivers whose capabilities
	// could not be read, by name, with the error: a policy that uses one
	// is Failed with Validation.Retry set, and the others are not
	// affected.
	UnavailableDrivers map[string]error
	// SecretKeys are the keys of the secrets the policy names, by secret
	// name; a nil map means secrets cannot be inspected and are not
	// checked, a secret missing from a non-nil map does not exist.
	SecretKeys map[string][]string
	// Claims is the host's default backup claim, for a datafile or
	// logfile policy that names none.
	Claims BackupClaimDefaults
	// Repositories are the names of the repositories the host registered,
	// which a policy may choose with the annotation
	// v1alpha1.AnnotationRepository.
	Repositories []string
	// DefaultRepository is the repository of the policies without that
	// annotation (see RepositoryOf); "" for none.
	DefaultRepository string
}

// Validation is the verdict on a policy.
type Validation struct {
	// Phase is Available or Failed.
	Phase v1alpha1.BackupPolicyPhase
	// Reason says precisely why the policy failed, one sentence per
	// problem, each starting with the field path. When the policy is
	// Available it is empty, or says why the backups of some types cannot
	// run (Unavailable) and why its ttl is ignored (TTLIgnored).
	Reason string
	// Errors are the problems, for callers that want them separately.
	Errors field.ErrorList
	// Unavailable says, by backup type, why the backups of an Available
	// policy's type cannot run: a datafile or logfile policy without a
	// claim, on an engine without a default claim (upstream kept such a
	// policy Available, its snapshots included).
	Unavailable map[v1alpha1.BackupType]string
	// TTLIgnored says why an Available policy's retention.ttl is ignored:
	// upstream KubeBlocks v0.5 accepted it ("7|", "0d", "0h", a number too
	// large) and read it as 0, expiring the policy's backups at once; here
	// ttl retention is off instead and its Backups get no expiration
	// (v1alpha1.ErrTTLIgnored). "" when the ttl is used or not set. Reason
	// includes it.
	TTLIgnored string
	// Retry is set when a driver the policy uses is unavailable
	// (Inputs.UnavailableDrivers): the verdict is Failed for now, and is
	// to be computed again, since the driver may come back.
	Retry bool
}

// Validate checks a BackupPolicy: its own fields (v1alpha1.ValidateBackupPolicy:
// cron, ttl, selector, secret keys, PVC settings, status update paths), then
// for each backup type it configures the BackupTool it names (exists, is
// valid, has commands for the type), the driver that would run it (registered,
// able to run the type's backups, hooks and status updates), the secret
// (exists and holds the keys, when SecretKeys is given), and the repository
// it chooses, or the default one (registered, and its drivers run tasks
// with a repository). p should be
// defaulted (v1alpha1.SetDefaults), as stored objects are.
func Validate(p *v1alpha1.BackupPolicy, in Inputs) Validation {
	errs := v1alpha1.ValidateBackupPolicy(p)
	spec := field.NewPath("spec")
	if s := p.Spec.Snapshot; s != nil {
		errs = append(errs, checkSnapshot(s, in, spec.Child("snapshot"))...)
	}
	for _, t := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		if c := p.CommonPolicyFor(t); c != nil {
			errs = append(errs, checkCommon(t, c, in, spec.Child(string(t)))...)
		}
	}
	errs = append(errs, checkRepository(p, in)...)
	if len(errs) > 0 {
		return Validation{Phase: v1alpha1.PolicyFailed, Reason: reason(errs), Errors: errs, Retry: usesUnavailable(p, in)}
	}
	return available(p, in)
}

// available is the verdict on a valid policy: Available, with the types
// that cannot run and why, and why its ttl is ignored.
func available(p *v1alpha1.BackupPolicy, in Inputs) Validation {
	v := Validation{Phase: v1alpha1.PolicyAvailable}
	var why []string
	for _, t := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile} {
		if p.CommonPolicyFor(t) == nil || RepositoryOf(p, in.DefaultRepository) != "" { // a repository needs no claim
			continue
		}
		if _, err := claimOf(p, t, in.Claims); err != nil {
			if v.Unavailable == nil {
				v.Unavailable = map[v1alpha1.BackupType]string{}
			}
			v.Unavailable[t] = err.Error()
			why = append(why, err.Error())
		}
	}
	if r := p.Spec.Retention; r != nil && r.TTL != nil {
		if _, err := v1alpha1.ParseTTL(*r.TTL); errors.Is(err, v1alpha1.ErrTTLIgnored) {
			v.TTLIgnored = "spec.retention.ttl: " + err.Error()
			why = append(why, v.TTLIgnored)
		}
	}
	v.Reason = v1alpha1.TruncateMessage(strings.Join(why, "; "))
	return v
}

// reason is the failure reason of a policy with errs: at most
// v1alpha1.MaxReportedErrors of them, at most v1alpha1.MaxMessageLength bytes.
func reason(errs field.ErrorList) string {
	return v1alpha1.TruncateMessage(v1alpha1.ErrorsMessage(errs))
}

func checkSnapshot(s *v1alpha1.SnapshotPolicy, in Inputs, fp *field.Path) field.ErrorList {
	t := v1alpha1.BackupTypeSnapshot
	errs := checkDriver(t, nil, drivers.KindBackup, in, fp, string(t))
	if h := s.Hooks; h != nil && (len(h.PreCommands) > 0 || len(h.PostCommands) > 0) {
		errs = append(errs, checkDriver(t, nil, drivers.KindHook, in, fp.Child("hooks"), string(t))...)
	}
	if len(s.BackupStatusUpdates) > 0 {
		errs = append(errs, checkDriver(t, nil, drivers.KindStatusUpdate, in, fp.Child("backupStatusUpdates"), string(t))...)
	}
	return append(errs, checkSecret(s.Target.Secret, in, fp.Child("target", "secret"))...)
}

func checkCommon(t v1alpha1.BackupType, c *v1alpha1.CommonBackupPolicy, in Inputs, fp *field.Path) field.ErrorList {
	toolPath := fp.Child("backupToolName")
	tool, ok := in.Tools[c.BackupToolName]
	if !ok || tool == nil {
		return field.ErrorList{field.NotFound(toolPath, c.BackupToolName)}
	}
	var errs field.ErrorList
	for _, e := range v1alpha1.ValidateBackupTool(tool) {
		errs = append(errs, field.Invalid(toolPath, c.BackupToolName, "BackupTool is invalid: "+e.Error()))
	}
	errs = append(errs, checkDriver(t, tool, drivers.KindBackup, in, toolPath, c.BackupToolName)...)
	if len(c.BackupStatusUpdates) > 0 {
		errs = append(errs, checkDriver(t, tool, drivers.KindStatusUpdate, in, fp.Child("backupStatusUpdates"), c.BackupToolName)...)
	}
	return append(errs, checkSecret(c.Target.Secret, in, fp.Child("target", "secret"))...)
}

// checkDriver checks that the driver of type t and tool runs tasks of kind
// k; the error at fp (whose value is value) names what selects the driver.
func checkDriver(t v1alpha1.BackupType, tool *v1alpha1.BackupTool, k drivers.TaskKind, in Inputs, fp *field.Path, value string) field.ErrorList {
	name := DriverName(t, tool)
	if err, down := in.UnavailableDrivers[name]; down {
		return field.ErrorList{field.Invalid(fp, value, fmt.Sprintf("%s selects the driver %q, which is unavailable (retrying): %v",
			driverSelector(t, tool), name, err))}
	}
	if err := in.Drivers.Check(name, k, t); err != nil {
		return field.ErrorList{field.Invalid(fp, value, fmt.Sprintf("%s selects the driver %q, but %v", driverSelector(t, tool), name, err))}
	}
	return nil
}

func checkSecret(s *v1alpha1.BackupPolicySecret, in Inputs, fp *field.Path) field.ErrorList {
	if s == nil || in.SecretKeys == nil {
		return nil
	}
	keys, ok := in.SecretKeys[s.Name]
	if !ok {
		return field.ErrorList{field.NotFound(fp.Child("name"), s.Name)}
	}
	var errs field.ErrorList
	for _, k := range []struct{ path, key string }{{"usernameKey", s.UsernameKey}, {"passwordKey", s.PasswordKey}} {
		if !slices.Contains(keys, k.key) {
			errs = append(errs, field.Invalid(fp.Child(k.path), k.key, fmt.Sprintf("secret %q has no key %q", s.Name, k.key)))
		}
	}
	return errs
}
