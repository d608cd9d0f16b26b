package policy

import (
	"path"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DeletionInputs are what ResolveDeletion needs; the executor gathers them.
type DeletionInputs struct {
	// Backup whose data to delete.
	Backup *v1alpha1.Backup
	// Policy named by the Backup, defaulted; nil when it is gone.
	Policy *v1alpha1.BackupPolicy
	// Claims is the host's default backup claim.
	Claims BackupClaimDefaults
	// Attempt numbers the deletion's run; the task ID includes it.
	Attempt int
	// Deadline of the task.
	Deadline time.Time
}

// ResolveDeletion returns the task that deletes a Backup's data (its
// directory in the claim, see BackupLocation, or its volume snapshot, see
// snapshotNameOf), run by the driver that made it (recorded in the Backup's
// annotation v1alpha1.AnnotationDriver). It returns nil when the Backup never
// produced data (it never started, or it has no location). Locations are
// derived from the Backup's namespace, policy and name, so a deletion never
// reaches another backup's data, whatever its status says.
func ResolveDeletion(in DeletionInputs) (*PlannedTask, error) {
	b := in.Backup
	driver := b.Annotations[v1alpha1.AnnotationDriver]
	if driver == "" || b.Status.StartTimestamp == nil || BackupRepository(b, "") != "" {
		return nil, nil // nothing stored, or stored in a repository (the engine deletes it there)
	}
	task := drivers.Task{
		ID:         TaskID(b.Name, b.UID, in.Attempt, "delete"),
		Kind:       drivers.KindDeleteArtifacts,
		BackupType: b.Spec.BackupType,
		Owner:      drivers.ObjectRef{Kind: "Backup", Namespace: b.Namespace, Name: b.Name, UID: b.UID},
		Labels:     map[string]string{v1alpha1.LabelBackupName: b.Name},
		Deadline:   in.Deadline,
	}
	if b.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		task.Snapshot = &drivers.SnapshotSpec{Name: snapshotNameOf(b)}
		return &PlannedTask{Driver: driver, Task: task}, nil
	}
	loc, err := BackupLocation(b, in.Policy, in.Claims)
	if loc == nil || err != nil {
		return nil, err
	}
	task.Storage = loc
	task.Env = []corev1.EnvVar{{Name: EnvBackupName, Value: b.Name}, {Name: EnvBackupDir, Value: path.Join(loc.MountPath, loc.Path)}}
	return &PlannedTask{Driver: driver, Task: task}, nil
}

// snapshotNameOf returns the VolumeSnapshot of a snapshot backup: the one
// its driver reported (recorded in manifests.backupSnapshot, which only the
// engine writes: see ApplyStatusUpdate), else the one named after the
// backup. VolumeSnapshots are in the backup's namespace, and the snapshot
// driver deletes only those labelled with the backup's name.
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
