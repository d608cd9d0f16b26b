package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// BackupToolSpec defines a backup tool: the image and commands that back up
// and restore a database.
type BackupToolSpec struct {
	// image is the tool's container image; empty means the image of the
	// target's first container, as upstream (the shipped postgres-pitr tool
	// has image: "").
	// +kubebuilder:validation:Required
	Image string `json:"image"`

	// deployKind is job (one-shot task) or daemon (long-running task).
	// +kubebuilder:validation:Required
	// +kubebuilder:default=job
	DeployKind DeployKind `json:"deployKind,omitempty"`

	// type is file or pitr.
	// +kubebuilder:validation:Required
	// +kubebuilder:default=file
	Type ToolType `json:"type,omitempty"`

	// resources are the compute resources of the tool's container.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// env is the tool's environment, after the engine's own variables;
	// $(VAR) references expand as in Kubernetes.
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`

	// envFrom are sources of environment variables; env wins over them.
	// +optional
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`

	// backupCommands make a full backup; all run, in array order. The field
	// is required but may be empty (a tool used only to restore, or only for
	// incremental backups): a full backup with such a tool fails when it
	// runs.
	// +kubebuilder:validation:Required
	BackupCommands []string `json:"backupCommands"`

	// incrementalBackupCommands make an incremental backup from a parent.
	// +optional
	IncrementalBackupCommands []string `json:"incrementalBackupCommands,omitempty"`

	// physical restore commands run with the database stopped.
	// +kubebuilder:validation:Required
	Physical BackupToolRestoreCommand `json:"physical"`

	// logical restore commands run with the database running.
	// +optional
	Logical *BackupToolRestoreCommand `json:"logical,omitempty"`
}

// BackupToolRestoreCommand holds the restore commands of one restore kind.
type BackupToolRestoreCommand struct {
	// restoreCommands restore a full backup, in array order.
	// +optional
	RestoreCommands []string `json:"restoreCommands,omitempty"`

	// incrementalRestoreCommands replay each incremental backup of a chain,
	// after restoreCommands.
	// +optional
	IncrementalRestoreCommands []string `json:"incrementalRestoreCommands,omitempty"`
}

// BackupToolStatus defines the observed state of a BackupTool (empty).
type BackupToolStatus struct{}

// BackupTool is a provider's backup tool: cluster-scoped, shared by the
// BackupPolicies of every namespace.
//
// +genclient
// +genclient:nonNamespaced
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:categories={dataprotection},scope=Cluster,shortName=dpbt
// +kubebuilder:printcolumn:name="DEPLOY-KIND",type=string,JSONPath=`.spec.deployKind`
// +kubebuilder:printcolumn:name="TYPE",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="IMAGE",type=string,JSONPath=`.spec.image`,priority=1
// +kubebuilder:printcolumn:name="AGE",type=date,JSONPath=`.metadata.creationTimestamp`
type BackupTool struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the tool.
	Spec BackupToolSpec `json:"spec,omitempty"`
	// Status is empty.
	Status BackupToolStatus `json:"status,omitempty"`
}

// BackupToolList is a list of BackupTools.
//
// +kubebuilder:object:root=true
type BackupToolList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// Items are the BackupTools.
	Items []BackupTool `json:"items"`
}
