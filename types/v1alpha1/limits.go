package v1alpha1

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits on what one object may hold and on what the engine writes about it.
// The v0.5 CRDs set no maxItems, so the API server accepts larger lists; the
// Validate functions check these limits first, before they look at any
// element, and report an object over a limit as invalid (a TooMany error),
// so that validating, resolving and reporting on any object costs bounded
// time and memory. The limits are far above what real tools and policies
// use (the tools KubeBlocks v0.5 shipped have fewer than 20 env entries and
// one command each).
const (
	// MaxEnv is the most entries a BackupTool's env may have.
	MaxEnv = 1000
	// MaxEnvFrom is the most entries a BackupTool's envFrom may have.
	MaxEnvFrom = 100
	// MaxCommands is the most commands one command list may have: a
	// BackupTool's backupCommands, incrementalBackupCommands and each
	// restoreCommands and incrementalRestoreCommands, and a snapshot
	// policy's preCommands and postCommands.
	MaxCommands = 100
	// MaxVolumes is the most targetVolumes a RestoreJob may have.
	MaxVolumes = 100
	// MaxVolumeMounts is the most targetVolumeMounts a RestoreJob may have.
	MaxVolumeMounts = 100
	// MaxStatusUpdates is the most backupStatusUpdates one backup type's
	// policy may have.
	MaxStatusUpdates = 32
	// MaxOnFailAttempted is the most retries the engine makes of a failed
	// backup or restore run. A larger onFailAttempted is not refused
	// (upstream accepted any number) but counts as MaxOnFailAttempted; see
	// Retries.
	MaxOnFailAttempted = 100
	// MaxBackupChain is the most backups an incremental chain may have: a
	// restore of a longer chain fails.
	MaxBackupChain = 1000
	// MaxReportedErrors is the most problems a validation reports; the
	// rest are counted in one last error (see LimitErrors).
	MaxReportedErrors = 20
	// MaxMessageLength is the most bytes of a failureReason or an event
	// message the engine writes; longer ones are cut (see TruncateMessage).
	// It is the size limit of an event's note in the Kubernetes API.
	MaxMessageLength = 1024
	// MaxRecordedTasks is the most tasks AnnotationTasks lists on a Backup
	// or RestoreJob: the latest ones.
	MaxRecordedTasks = 16
	// MaxRecordedLocation is the most bytes of a location (a task's log, a
	// backup's data path) the engine writes in an annotation.
	MaxRecordedLocation = 512
)

// Retries returns how many times the engine retries a failed run for an
// onFailAttempted value: the value itself, 0 when negative, and at most
// MaxOnFailAttempted.
func Retries(onFailAttempted int32) int {
	return int(min(max(onFailAttempted, 0), MaxOnFailAttempted))
}

// listLimit is one list of an object and its limit.
type listLimit struct {
	path *field.Path
	len  int
	max  int
}

// checkLimits returns a TooMany error for every list over its limit.
func checkLimits(lists ...listLimit) field.ErrorList {
	var errs field.ErrorList
	for _, l := range lists {
		if l.len > l.max {
			errs = append(errs, field.TooMany(l.path, l.len, l.max))
		}
	}
	return errs
}

func toolLimits(s *BackupToolSpec) field.ErrorList {
	spec := field.NewPath("spec")
	lists := []listLimit{
		{spec.Child("env"), len(s.Env), MaxEnv},
		{spec.Child("envFrom"), len(s.EnvFrom), MaxEnvFrom},
		{spec.Child("backupCommands"), len(s.BackupCommands), MaxCommands},
		{spec.Child("incrementalBackupCommands"), len(s.IncrementalBackupCommands), MaxCommands},
	}
	restore := map[string]*BackupToolRestoreCommand{"physical": &s.Physical, "logical": s.Logical}
	for _, kind := range []string{"physical", "logical"} {
		if c := restore[kind]; c != nil {
			lists = append(lists,
				listLimit{spec.Child(kind, "restoreCommands"), len(c.RestoreCommands), MaxCommands},
				listLimit{spec.Child(kind, "incrementalRestoreCommands"), len(c.IncrementalRestoreCommands), MaxCommands})
		}
	}
	return checkLimits(lists...)
}

func restoreJobLimits(s *RestoreJobSpec) field.ErrorList {
	spec := field.NewPath("spec")
	return checkLimits(
		listLimit{spec.Child("targetVolumes"), len(s.TargetVolumes), MaxVolumes},
		listLimit{spec.Child("targetVolumeMounts"), len(s.TargetVolumeMounts), MaxVolumeMounts})
}

func policyLimits(p *BackupPolicy) field.ErrorList {
	spec := field.NewPath("spec")
	var lists []listLimit
	for _, t := range BackupTypes {
		if b := p.BasePolicyFor(t); b != nil {
			lists = append(lists, listLimit{spec.Child(string(t), "backupStatusUpdates"), len(b.BackupStatusUpdates), MaxStatusUpdates})
		}
	}
	if s := p.Spec.Snapshot; s != nil && s.Hooks != nil {
		hooks := spec.Child("snapshot", "hooks")
		lists = append(lists,
			listLimit{hooks.Child("preCommands"), len(s.Hooks.PreCommands), MaxCommands},
			listLimit{hooks.Child("postCommands"), len(s.Hooks.PostCommands), MaxCommands})
	}
	return checkLimits(lists...)
}
