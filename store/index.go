package store

import (
	"slices"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Index names a field that Resource.ListBy selects on. IndexValues defines
// the values of each index, once for every store; a kind has only the
// indexes IndexValues gives it.
type Index string

// The indexes, with the kinds that have them.
const (
	// IndexBackupPolicy is a Backup's spec.backupPolicyName: the Backups
	// of one policy.
	IndexBackupPolicy Index = "backupPolicy"
	// IndexPhase is the status.phase of a Backup or a RestoreJob; the
	// empty phase of an object nobody has worked on yet is indexed as
	// "New", the phase it means.
	IndexPhase Index = "phase"
	// IndexBackupTool is the backupToolName of each backup type a
	// BackupPolicy has: the policies that name a BackupTool.
	IndexBackupTool Index = "backupTool"
)

// IndexValues returns the values obj has in idx (an object may have none,
// one or several), and false when obj's kind has no index idx.
func IndexValues(idx Index, obj Object) ([]string, bool) {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		switch idx {
		case IndexBackupPolicy:
			return []string{o.Spec.BackupPolicyName}, true
		case IndexPhase:
			return []string{string(orNew(o.Status.Phase, v1alpha1.BackupNew))}, true
		}
	case *v1alpha1.RestoreJob:
		if idx == IndexPhase {
			return []string{string(orNew(o.Status.Phase, v1alpha1.RestoreJobNew))}, true
		}
	case *v1alpha1.BackupPolicy:
		if idx == IndexBackupTool {
			return policyTools(o), true
		}
	}
	return nil, false
}

// HasIndex reports whether objects of obj's kind have the index idx.
func HasIndex(idx Index, obj Object) bool {
	_, ok := IndexValues(idx, obj)
	return ok
}

// Matches reports whether obj has value among its values of idx.
func Matches(idx Index, value string, obj Object) bool {
	values, _ := IndexValues(idx, obj)
	return slices.Contains(values, value)
}

func orNew[P ~string](phase, newPhase P) P {
	if phase == "" {
		return newPhase
	}
	return phase
}

// policyTools returns the distinct BackupTool names of a policy's types.
func policyTools(p *v1alpha1.BackupPolicy) []string {
	var out []string
	for _, t := range v1alpha1.BackupTypes {
		if c := p.CommonPolicyFor(t); c != nil && c.BackupToolName != "" && !slices.Contains(out, c.BackupToolName) {
			out = append(out, c.BackupToolName)
		}
	}
	return out
}

// Indexes lists every index, for stores that build them all.
func Indexes() []Index { return []Index{IndexBackupPolicy, IndexPhase, IndexBackupTool} }

// KindIndexes lists the indexes that objects like obj have.
func KindIndexes(obj Object) []Index {
	var out []Index
	for _, idx := range Indexes() {
		if HasIndex(idx, obj) {
			out = append(out, idx)
		}
	}
	return out
}
