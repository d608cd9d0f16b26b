package bench

import (
	"context"
	"path"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/schedule"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// createHistory creates the Completed scheduled Backup of policy p and
// type typ for each slot, as the engine leaves one: the policy's labels and
// the slot's annotation, the finalizer, the target and driver, the start,
// completion, size, claim and directory, so that retention deletes it (and
// its data, through the driver) as it deletes the engine's own.
func createHistory(ctx context.Context, st store.Store, p *v1alpha1.BackupPolicy, typ v1alpha1.BackupType, slots []time.Time) error {
	for _, slot := range slots {
		b := newBackup(p.Namespace, schedule.BackupName(p.Name, typ, slot), p.Name)
		b.Spec.BackupType = typ
		b.Finalizers = []string{v1alpha1.Finalizer}
		b.Labels = map[string]string{v1alpha1.LabelBackupPolicy: p.Name, v1alpha1.LabelBackupType: string(typ),
			v1alpha1.LabelAutoBackup: "true"}
		b.Annotations = map[string]string{v1alpha1.AnnotationScheduledTime: slot.UTC().Format(time.RFC3339),
			v1alpha1.AnnotationTargetPodName: "bench-db-0", v1alpha1.AnnotationDriver: drivers.NameJob}
		b, err := st.Backups().Create(ctx, b)
		if err != nil {
			return err
		}
		b.Status = completedStatus(p, b, slot)
		if _, err := st.Backups().UpdateStatus(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// completedStatus is the status of a Backup of p that ran at t.
func completedStatus(p *v1alpha1.BackupPolicy, b *v1alpha1.Backup, t time.Time) v1alpha1.BackupStatus {
	at := metav1.NewTime(t)
	s := v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, StartTimestamp: &at, CompletionTimestamp: &at,
		Duration: &metav1.Duration{}, TotalSize: "1Ki",
		Manifests: &v1alpha1.ManifestsStatus{Target: `{"name":"bench-db-0","namespace":""}`}}
	if b.Spec.BackupType == v1alpha1.BackupTypeSnapshot {
		s.Manifests.BackupSnapshot = &v1alpha1.BackupSnapshotStatus{VolumeSnapshotName: b.Name}
		return s
	}
	rel, _ := policy.BackupPath(p, b.Namespace, b.Name)
	s.PersistentVolumeClaimName = "backup-data"
	s.BackupToolName = p.Spec.Datafile.BackupToolName
	s.Manifests.BackupTool = &v1alpha1.BackupToolManifestsStatus{FilePath: path.Join(policy.DefaultMountPath, rel),
		UploadTotalSize: "1Ki", CheckSum: "sha256:00"}
	return s
}

// hourlySlots returns the n slots of an hourly schedule at minute before
// start, the latest first.
func hourlySlots(start time.Time, minute, n int) []time.Time {
	first := start.Truncate(time.Hour).Add(time.Duration(minute) * time.Minute)
	for !first.Before(start) {
		first = first.Add(-time.Hour)
	}
	out := make([]time.Time, n)
	for j := range out {
		out[j] = first.Add(-time.Duration(j) * time.Hour)
	}
	return out
}
