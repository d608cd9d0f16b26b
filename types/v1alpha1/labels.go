package v1alpha1

// Labels, annotations and the finalizer the engine writes. The keys are the
// upstream ones, so tools written for the upstream API find the same objects.
const (
	// LabelBackupPolicy on a Backup names the BackupPolicy that scheduled it.
	// Upstream's history limit selected on it but never set it; we set it on
	// every scheduled Backup.
	LabelBackupPolicy = GroupName + "/backup-policy"
	// LabelBackupType on a Backup is its spec.backupType.
	LabelBackupType = GroupName + "/backup-type"
	// LabelAutoBackup = "true" marks a Backup created by a schedule; only
	// those count towards backupsHistoryLimit.
	LabelAutoBackup = GroupName + "/autobackup"
	// LabelBackupName on runtime objects (Jobs, VolumeSnapshots) names their Backup.
	LabelBackupName = "backups." + GroupName + "/name"
	// LabelRestoreJobName on runtime objects names their RestoreJob.
	LabelRestoreJobName = "restorejobs." + GroupName + "/name"
	// LabelBackupProtection = "Retain" (any case) exempts a Backup from
	// expiration and history-limit deletion.
	LabelBackupProtection = "kubeblocks.io/backup-protection"
	// BackupProtectionRetain is the LabelBackupProtection value that retains.
	BackupProtectionRetain = "Retain"
	// AnnotationScheduledTime on a scheduled Backup is its slot, RFC 3339 UTC.
	AnnotationScheduledTime = GroupName + "/scheduled-time"
	// AnnotationTargetPodName on a Backup records the target chosen as source.
	AnnotationTargetPodName = GroupName + "/target-pod-name"
	// Finalizer holds a Backup until its data is deleted.
	Finalizer = GroupName + "/finalizer"
)
