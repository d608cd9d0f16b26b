package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BackupPolicySpec defines the desired state of a BackupPolicy: how each
// backup type is made, when, and how long backups are kept.
type BackupPolicySpec struct {
	// retention says how long Backups are kept; forever when not set.
	// +optional
	Retention *RetentionSpec `json:"retention,omitempty"`

	// schedule holds the schedule of each backup type.
	// +optional
	Schedule *Schedule `json:"schedule,omitempty"`

	// snapshot is the policy for snapshot backups.
	// +optional
	Snapshot *SnapshotPolicy `json:"snapshot,omitempty"`

	// datafile is the policy for datafile backups.
	// +optional
	Datafile *CommonBackupPolicy `json:"datafile,omitempty"`

	// logfile is the policy for logfile backups.
	// +optional
	Logfile *CommonBackupPolicy `json:"logfile,omitempty"`
}

// RetentionSpec says how long Backups are kept.
type RetentionSpec struct {
	// ttl is a number followed by d or D (days) or h or H (hours), such as
	// "7d". Backups expire that long after they start. Not set: forever.
	// The pattern is upstream's, which also admits a '|' ("7|"); such a
	// ttl, and one that is zero or too long, turns retention off (see
	// ParseTTL).
	// +optional
	// +kubebuilder:validation:Pattern:=`^\d+[d|D|h|H]$`
	TTL *string `json:"ttl,omitempty"`
}

// Schedule holds the schedule of each backup type.
type Schedule struct {
	// snapshot is the schedule of snapshot backups.
	// +optional
	Snapshot *SchedulePolicy `json:"snapshot,omitempty"`

	// datafile is the schedule of datafile backups.
	// +optional
	Datafile *SchedulePolicy `json:"datafile,omitempty"`

	// logfile is the schedule of logfile backups.
	// +optional
	Logfile *SchedulePolicy `json:"logfile,omitempty"`
}

// SchedulePolicy is the schedule of one backup type.
type SchedulePolicy struct {
	// cronExpression is a standard 5-field cron expression or a descriptor
	// such as "@daily", always evaluated in UTC.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	CronExpression string `json:"cronExpression"`

	// enable turns the schedule on or off.
	// +kubebuilder:validation:Required
	Enable bool `json:"enable"`
}

// BasePolicy is what every backup type's policy shares.
type BasePolicy struct {
	// target is the database cluster to back up.
	// +kubebuilder:validation:Required
	Target TargetCluster `json:"target"`

	// backupsHistoryLimit is the number of automatic backups of this type to
	// keep, counting successful and failed backups separately; 0 means no
	// limit. Default 7.
	// +optional
	// +kubebuilder:default=7
	// +kubebuilder:validation:Minimum=0
	BackupsHistoryLimit *int32 `json:"backupsHistoryLimit,omitempty"`

	// onFailAttempted is how many times a failed backup run is retried.
	// +optional
	// +kubebuilder:validation:Minimum=0
	OnFailAttempted int32 `json:"onFailAttempted,omitempty"`

	// backupStatusUpdates are scripts whose JSON output is patched into the
	// Backup's status, before or after the backup.
	// +optional
	BackupStatusUpdates []BackupStatusUpdate `json:"backupStatusUpdates,omitempty"`
}

// BackupStatusUpdate is a script whose JSON output is written under
// status.<path> of the Backup.
type BackupStatusUpdate struct {
	// path is the dot-separated path under the Backup's status to patch,
	// such as "manifests.backupLog"; empty patches status itself.
	// +optional
	// +kubebuilder:validation:Pattern:=`^([a-zA-Z][a-zA-Z0-9]*)(\.[a-zA-Z][a-zA-Z0-9]*)*$`
	Path string `json:"path,omitempty"`

	// containerName is the container of the target the script runs in.
	// +optional
	ContainerName string `json:"containerName,omitempty"`

	// script is the shell script; its standard output must be JSON.
	// +optional
	Script string `json:"script,omitempty"`

	// updateStage is pre (before the backup) or post (after it).
	// +optional
	UpdateStage BackupStatusUpdateStage `json:"updateStage,omitempty"`
}

// CommonBackupPolicy is the policy of the datafile and logfile backup types.
type CommonBackupPolicy struct {
	BasePolicy `json:",inline"`

	// persistentVolumeClaim is where the backup data is stored.
	// +kubebuilder:validation:Required
	PersistentVolumeClaim PersistentVolumeClaim `json:"persistentVolumeClaim"`

	// backupToolName is the BackupTool that makes the backups.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	BackupToolName string `json:"backupToolName"`
}

// SnapshotPolicy is the policy of snapshot backups.
type SnapshotPolicy struct {
	BasePolicy `json:",inline"`

	// hooks are commands run in the target before and after the snapshot.
	// +optional
	Hooks *BackupPolicyHook `json:"hooks,omitempty"`
}

// BackupPolicyHook holds the commands run around a snapshot.
type BackupPolicyHook struct {
	// preCommands run before the snapshot.
	// +optional
	PreCommands []string `json:"preCommands,omitempty"`

	// postCommands run after the snapshot.
	// +optional
	PostCommands []string `json:"postCommands,omitempty"`

	// image runs the commands in this image instead of the target container.
	// +optional
	Image string `json:"image,omitempty"`

	// containerName is the target container the commands run in; the
	// target's first container when empty.
	// +optional
	ContainerName string `json:"containerName,omitempty"`
}

// PersistentVolumeClaim is the claim that stores backup data.
type PersistentVolumeClaim struct {
	// name of the PersistentVolumeClaim. Empty (what the KubeBlocks v0.5
	// cluster controller writes) means the engine's default backup claim.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^([a-z0-9]([a-z0-9\.\-]*[a-z0-9])?)?$`
	Name string `json:"name"`

	// storageClassName is the StorageClass of a claim the engine creates.
	// Mutually exclusive with persistentVolumeConfigMap: when both are set
	// the class is used, as upstream.
	// +optional
	StorageClassName *string `json:"storageClassName,omitempty"`

	// initCapacity is the size of a claim the engine creates; 100Gi when not set.
	// +optional
	// +kubebuilder:default="100Gi"
	InitCapacity *resource.Quantity `json:"initCapacity,omitempty"`

	// createPolicy is IfNotPresent (create the claim if missing) or Never.
	// +optional
	// +kubebuilder:default=IfNotPresent
	CreatePolicy CreatePVCPolicy `json:"createPolicy,omitempty"`

	// persistentVolumeConfigMap references a ConfigMap whose key
	// "persistentVolume" holds a PersistentVolume template; $(GENERATE_NAME)
	// in it becomes "<pvcName>-<pvcNamespace>".
	// +optional
	PersistentVolumeConfigMap *PersistentVolumeConfigMap `json:"persistentVolumeConfigMap,omitempty"`
}

// PersistentVolumeConfigMap references the ConfigMap of a PersistentVolume
// template.
type PersistentVolumeConfigMap struct {
	// name of the ConfigMap.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	Name string `json:"name"`

	// namespace of the ConfigMap.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\-]*[a-z0-9])?$`
	Namespace string `json:"namespace"`
}

// BackupPolicyStatus defines the observed state of a BackupPolicy.
type BackupPolicyStatus struct {
	// observedGeneration is the generation of the spec this status is about.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase is Available or Failed.
	// +optional
	Phase BackupPolicyPhase `json:"phase,omitempty"`

	// failureReason says why the policy failed validation.
	// +optional
	FailureReason string `json:"failureReason,omitempty"`

	// lastScheduleTime is the slot of the last Backup the schedule created.
	// +optional
	LastScheduleTime *metav1.Time `json:"lastScheduleTime,omitempty"`

	// lastSuccessfulTime is when the last Backup of this policy completed.
	// +optional
	LastSuccessfulTime *metav1.Time `json:"lastSuccessfulTime,omitempty"`
}

// BackupPolicy says how, when and for how long a database is backed up.
//
// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories={dataprotection},shortName=dpbp
// +kubebuilder:printcolumn:name="STATUS",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="LAST-SCHEDULE",type=string,JSONPath=`.status.lastScheduleTime`
// +kubebuilder:printcolumn:name="LAST-SUCCESS",type=string,JSONPath=`.status.lastSuccessfulTime`
// +kubebuilder:printcolumn:name="AGE",type=date,JSONPath=`.metadata.creationTimestamp`
type BackupPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec BackupPolicySpec `json:"spec,omitempty"`
	// Status is what the engine observed.
	Status BackupPolicyStatus `json:"status,omitempty"`
}

// BackupPolicyList is a list of BackupPolicies.
//
// +kubebuilder:object:root=true
type BackupPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the BackupPolicies.
	Items []BackupPolicy `json:"items"`
}
