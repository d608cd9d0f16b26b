package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RestoreJobSpec defines the desired state of a RestoreJob.
type RestoreJobSpec struct {
	// backupJobName is the Backup (in the RestoreJob's namespace) to restore.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	BackupJobName string `json:"backupJobName"`

	// target is the database workload to restore into.
	// +kubebuilder:validation:Required
	Target TargetCluster `json:"target"`

	// targetVolumes are the volumes the restore mounts.
	// +kubebuilder:validation:Required
	TargetVolumes []corev1.Volume `json:"targetVolumes"`

	// targetVolumeMounts are where those volumes are mounted.
	// +kubebuilder:validation:Required
	TargetVolumeMounts []corev1.VolumeMount `json:"targetVolumeMounts"`

	// onFailAttempted is how many times a failed restore is retried.
	// +optional
	// +kubebuilder:validation:Minimum=0
	OnFailAttempted int32 `json:"onFailAttempted,omitempty"`
}

// RestoreJobStatus defines the observed state of a RestoreJob.
type RestoreJobStatus struct {
	// phase is New, InProgressPhy, InProgressLogic, Completed or Failed.
	// +optional
	Phase RestoreJobPhase `json:"phase,omitempty"`

	// expiration is when the finished RestoreJob is cleaned up.
	// +optional
	Expiration *metav1.Time `json:"expiration,omitempty"`

	// startTimestamp is when the restore started being processed.
	// +optional
	StartTimestamp *metav1.Time `json:"startTimestamp,omitempty"`

	// completionTimestamp is when the restore finished being processed.
	// +optional
	CompletionTimestamp *metav1.Time `json:"completionTimestamp,omitempty"`

	// failureReason says why the restore failed.
	// +optional
	FailureReason string `json:"failureReason,omitempty"`
}

// RestoreJob restores one Backup into a target database workload.
//
// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories={dataprotection},shortName=dprj
// +kubebuilder:printcolumn:name="BACKUP",type=string,JSONPath=`.spec.backupJobName`
// +kubebuilder:printcolumn:name="STATUS",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="COMPLETION-TIME",type=string,JSONPath=`.status.completionTimestamp`
// +kubebuilder:printcolumn:name="AGE",type=date,JSONPath=`.metadata.creationTimestamp`
type RestoreJob struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the restore.
	Spec RestoreJobSpec `json:"spec,omitempty"`
	// Status is what the engine observed and did.
	Status RestoreJobStatus `json:"status,omitempty"`
}

// RestoreJobList is a list of RestoreJobs.
//
// +kubebuilder:object:root=true
type RestoreJobList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the RestoreJobs.
	Items []RestoreJob `json:"items"`
}
