package policy

import (
	"fmt"
	"path"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// ResolveDeletion returns the task that deletes a Backup's data (its
// directory in the claim, or its volume snapshot), run by the driver that
// made it (recorded in the Backup's annotation v1alpha1.AnnotationDriver). It
// returns nil when the Backup never produced data (it never started, or the
// engine recorded no location or driver for it). A recorded directory that
// is not the Backup's own (not under the claim's mount, or not named after
// the Backup, as BackupPath names it) is an error: deleting it could delete
// other backups' data.
func ResolveDeletion(b *v1alpha1.Backup, attempt int, deadline time.Time) (*PlannedTask, error) {
	driver := b.Annotations[v1alpha1.AnnotationDriver]
	if driver == "" || b.Status.StartTimestamp == nil {
		return nil, nil
	}
	task := drivers.Task{
		ID:         TaskID(b.Name, b.UID, attempt, "delete"),
		Kind:       drivers.KindDeleteArtifacts,
		BackupType: b.Spec.BackupType,
		Owner:      drivers.ObjectRef{Kind: "Backup", Namespace: b.Namespace, Name: b.Name, UID: b.UID},
		Labels:     map[string]string{v1alpha1.LabelBackupName: b.Name},
		Deadline:   deadline,
	}
	if b.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		task.Snapshot = &drivers.SnapshotSpec{Name: snapshotNameOf(b)}
		return &PlannedTask{Driver: driver, Task: task}, nil
	}
	dir := filePathOf(b)
	if dir == "" || b.Status.PersistentVolumeClaimName == "" {
		return nil, nil
	}
	rel, err := ownDirectory(b, dir)
	if err != nil {
		return nil, err
	}
	task.Storage = &drivers.Storage{ClaimName: b.Status.PersistentVolumeClaimName, MountPath: DefaultMountPath, Path: rel}
	task.Env = []corev1.EnvVar{{Name: EnvBackupName, Value: b.Name}, {Name: EnvBackupDir, Value: dir}}
	return &PlannedTask{Driver: driver, Task: task}, nil
}

// ownDirectory returns dir relative to the claim's root when it is the
// directory of backup b: under the mount and named after b.
func ownDirectory(b *v1alpha1.Backup, dir string) (string, error) {
	rel, err := relativeToMount(dir)
	if err != nil {
		return "", err
	}
	if path.Base(rel) != b.Name {
		return "", fmt.Errorf("backup directory %q is not the directory of backup %q", dir, b.Name)
	}
	return rel, nil
}

// snapshotNameOf returns the VolumeSnapshot of a snapshot backup: the one
// recorded in its manifests, else the one named after the backup.
func snapshotNameOf(b *v1alpha1.Backup) string {
	if m := b.Status.Manifests; m != nil && m.BackupSnapshot != nil && m.BackupSnapshot.VolumeSnapshotName != "" {
		return m.BackupSnapshot.VolumeSnapshotName
	}
	return b.Name
}

func deepCopyVolumes(r *v1alpha1.RestoreJob) []corev1.Volume {
	out := make([]corev1.Volume, len(r.Spec.TargetVolumes))
	for i := range r.Spec.TargetVolumes {
		r.Spec.TargetVolumes[i].DeepCopyInto(&out[i])
	}
	return out
}

func deepCopyMounts(r *v1alpha1.RestoreJob) []corev1.VolumeMount {
	out := make([]corev1.VolumeMount, len(r.Spec.TargetVolumeMounts))
	for i := range r.Spec.TargetVolumeMounts {
		r.Spec.TargetVolumeMounts[i].DeepCopyInto(&out[i])
	}
	return out
}
