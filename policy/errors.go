package policy

import "fmt"

// The reasons of the problems ResolveBackup reports as a *ReasonError:
// upstream's event reasons where it had one.
const (
	// ReasonNoBackupCommands: a full backup with a BackupTool whose
	// backupCommands is empty (the API allows it: a tool may only restore).
	ReasonNoBackupCommands = "NoBackupCommands"
	// ReasonBackupPVCNameIsEmpty: a datafile or logfile backup whose policy
	// names no claim, on an engine with no default claim (upstream's
	// reason).
	ReasonBackupPVCNameIsEmpty = "BackupPVCNameIsEmpty"
	// ReasonTTLIgnored: the event reason of an Available policy whose
	// retention.ttl upstream accepted but that is not a positive duration
	// (Validation.TTLIgnored): its ttl retention is off.
	ReasonTTLIgnored = "TTLIgnored"
)

// ReasonError is a problem with a Backup's inputs that has a reason of its
// own, which the executor gives the Backup's Warning event.
type ReasonError struct {
	// Reason is a CamelCase word, such as ReasonNoBackupCommands.
	Reason string
	// Msg says what is wrong, fit for a failureReason.
	Msg string
}

// Error returns Msg.
func (e *ReasonError) Error() string { return e.Msg }

func reasonErrorf(reason, format string, args ...any) error {
	return &ReasonError{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}
