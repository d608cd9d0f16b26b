package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// BackupSpec defines the desired state of a Backup.
type BackupSpec struct {
	// backupPolicyName is the BackupPolicy (in the Backup's namespace) that
	// this backup is made with.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	BackupPolicyName string `json:"backupPolicyName"`

	// backupType is datafile, logfile or snapshot; datafile when not set.
	// +kubebuilder:validation:Required
	// +kubebuilder:default=datafile
	BackupType BackupType `json:"backupType,omitempty"`

	// parentBackupName names the Completed datafile Backup this one is an
	// incremental backup of. Set, it makes the backup incremental: the tool's
	// incrementalBackupCommands run with the parent's location and CheckPoint.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	ParentBackupName string `json:"parentBackupName,omitempty"`
}

// BackupStatus defines the observed state of a Backup.
type BackupStatus struct {
	// phase is New, InProgress, Completed or Failed.
	// +optional
	Phase BackupPhase `json:"phase,omitempty"`

	// parentBackupName records the parent of an incremental backup.
	// +optional
	ParentBackupName string `json:"parentBackupName,omitempty"`

	// expiration is when the Backup becomes eligible for garbage collection;
	// null means it is kept until deleted.
	// +optional
	Expiration *metav1.Time `json:"expiration,omitempty"`

	// startTimestamp is when the backup started being processed.
	// +optional
	StartTimestamp *metav1.Time `json:"startTimestamp,omitempty"`

	// completionTimestamp is when the backup finished being processed.
	// +optional
	CompletionTimestamp *metav1.Time `json:"completionTimestamp,omitempty"`

	// duration is the time the backup took, such as "1h2m0.5s".
	// +optional
	Duration *metav1.Duration `json:"duration,omitempty"`

	// totalSize is the backup's size in bytes: for a backup in a claim,
	// its files; in a repository, its files before compression and
	// encryption; for a snapshot, the snapshots' restore size. The engine
	// writes a decimal number without a suffix (a Kubernetes quantity in
	// bytes, such as "1048576"), whatever the driver.
	// +optional
	TotalSize string `json:"totalSize,omitempty"`

	// failureReason says why the backup failed.
	// +optional
	FailureReason string `json:"failureReason,omitempty"`

	// persistentVolumeClaimName is the claim that holds the backup data.
	// +optional
	PersistentVolumeClaimName string `json:"persistentVolumeClaimName,omitempty"`

	// backupToolName is the BackupTool that made the backup.
	// +optional
	BackupToolName string `json:"backupToolName,omitempty"`

	// manifests holds the backup's metadata.
	// +optional
	Manifests *ManifestsStatus `json:"manifests,omitempty"`
}

// ManifestsStatus is the metadata of a backup: where its data is and what it
// covers.
type ManifestsStatus struct {
	// backupLog records the start and stop time of data logging.
	// +optional
	BackupLog *BackupLogStatus `json:"backupLog,omitempty"`

	// target records the target cluster metadata, as a JSON string.
	// +optional
	Target string `json:"target,omitempty"`

	// backupSnapshot records the volume snapshot of a snapshot backup.
	// +optional
	BackupSnapshot *BackupSnapshotStatus `json:"backupSnapshot,omitempty"`

	// backupTool records the files the backup tool made.
	// +optional
	BackupTool *BackupToolManifestsStatus `json:"backupTool,omitempty"`

	// userContext stores loosely structured, extensible information.
	// +optional
	UserContext map[string]string `json:"userContext,omitempty"`
}

// BackupLogStatus records the time range that logging covers.
type BackupLogStatus struct {
	// startTime records the start time of data logging.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`

	// stopTime records the stop time of data logging.
	// +optional
	StopTime *metav1.Time `json:"stopTime,omitempty"`
}

// BackupSnapshotStatus records the volume snapshot of a snapshot backup.
type BackupSnapshotStatus struct {
	// volumeSnapshotName records the VolumeSnapshot name.
	// +optional
	VolumeSnapshotName string `json:"volumeSnapshotName,omitempty"`

	// volumeSnapshotContentName records the VolumeSnapshotContent name.
	// +optional
	VolumeSnapshotContentName string `json:"volumeSnapshotContentName,omitempty"`
}

// BackupToolManifestsStatus records the files a backup tool made.
type BackupToolManifestsStatus struct {
	// filePath records where the backup files are: their directory in the
	// claim (BACKUP_DIR), or, for a backup in a repository (the annotation
	// dataprotection.kubeblocks.io/repository), its key there.
	// +optional
	FilePath string `json:"filePath,omitempty"`

	// uploadTotalSize is the size stored, in bytes, written like
	// totalSize: for a backup in a repository, what its objects take
	// there (compressed, encrypted); else the size of its files.
	// +optional
	UploadTotalSize string `json:"uploadTotalSize,omitempty"`

	// checkSum of the backup file (md5, sha1 or sha256; this SDK writes
	// "sha256:<hex>": of the files, or of the manifest of a backup in a
	// repository).
	// +optional
	CheckSum string `json:"checkSum,omitempty"`

	// CheckPoint is the backup's check point, for incremental backups. The
	// JSON name is capitalised, as upstream.
	// +optional
	CheckPoint string `json:"CheckPoint,omitempty"`
}

// Backup is one backup of a database, made with a BackupPolicy.
//
// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories={dataprotection},shortName=dpb
// +kubebuilder:printcolumn:name="POLICY",type=string,JSONPath=`.spec.backupPolicyName`
// +kubebuilder:printcolumn:name="TYPE",type=string,JSONPath=`.spec.backupType`
// +kubebuilder:printcolumn:name="STATUS",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="TOTAL-SIZE",type=string,JSONPath=`.status.totalSize`
// +kubebuilder:printcolumn:name="DURATION",type=string,JSONPath=`.status.duration`
// +kubebuilder:printcolumn:name="CREATION-TIME",type=string,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="COMPLETION-TIME",type=string,JSONPath=`.status.completionTimestamp`
// +kubebuilder:printcolumn:name="EXPIRATION",type=string,JSONPath=`.status.expiration`,priority=1
type Backup struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is what the backup should be.
	Spec BackupSpec `json:"spec,omitempty"`
	// Status is what the engine observed and did.
	Status BackupStatus `json:"status,omitempty"`
}

// BackupList is a list of Backups.
//
// +kubebuilder:object:root=true
type BackupList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the Backups.
	Items []Backup `json:"items"`
}
