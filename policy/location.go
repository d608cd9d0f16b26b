package policy

import (
	"fmt"
	"path"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// BackupLocation returns where the data of the datafile or logfile backup b
// lives, derived from what b is, never read back from what a tool or a
// status update may have written: the claim of its policy p (its own, or the
// host's default claims, see BackupClaimDefaults) and the directory
// BackupPath(p, b's namespace, b's name), which is always within b's
// namespace's directory. Changing a policy's claim or path prefix therefore
// moves where the engine looks for its earlier backups.
//
// When the policy is gone (p is nil) or names no usable claim any more, it
// is the location the engine recorded when b started
// (status.persistentVolumeClaimName and status.manifests.backupTool.filePath,
// which status updates and tool output cannot write; see
// ApplyStatusUpdate), and only when that directory is one BackupPath can
// give b: in b's namespace's directory and named after b. Without a
// recorded location it returns nil: b never stored data. The Storage never
// creates a claim (Create is nil).
func BackupLocation(b *v1alpha1.Backup, p *v1alpha1.BackupPolicy, claims BackupClaimDefaults) (*drivers.Storage, error) {
	if p != nil && p.CommonPolicyFor(b.Spec.BackupType) != nil {
		if pvc, err := claimOf(p, b.Spec.BackupType, claims); err == nil {
			rel, err := BackupPath(p, b.Namespace, b.Name)
			if err != nil {
				return nil, err
			}
			return &drivers.Storage{ClaimName: pvc.Name, MountPath: DefaultMountPath, Path: rel}, nil
		}
	}
	return recordedLocation(b)
}

// recordedLocation is the location b's status records, when it is one the
// layout gives b.
func recordedLocation(b *v1alpha1.Backup) (*drivers.Storage, error) {
	dir, claim := filePathOf(b), b.Status.PersistentVolumeClaimName
	if dir == "" || claim == "" {
		return nil, nil
	}
	rel, err := relativeToMount(dir)
	if err != nil {
		return nil, err
	}
	first, _, _ := strings.Cut(rel, "/")
	if first != b.Namespace || path.Base(rel) != b.Name || !strings.Contains(rel, "/") {
		return nil, fmt.Errorf("backup directory %q is not a directory of backup %s/%s", dir, b.Namespace, b.Name)
	}
	return &drivers.Storage{ClaimName: claim, MountPath: DefaultMountPath, Path: rel}, nil
}

// relativeToMount returns a recorded BACKUP_DIR relative to the claim root.
func relativeToMount(dir string) (string, error) {
	rel, ok := strings.CutPrefix(path.Clean(dir), DefaultMountPath+"/")
	if !ok || rel == "" || strings.Contains(rel, "..") {
		return "", fmt.Errorf("backup directory %q is not under %s", dir, DefaultMountPath)
	}
	return rel, nil
}
