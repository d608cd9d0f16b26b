package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// TargetCluster selects the database workload a backup reads from or a
// restore writes to.
type TargetCluster struct {
	// labelsSelector is used to find matching pods (or, embedded, local
	// targets). Both matchLabels and matchExpressions are honoured.
	// +kubebuilder:validation:Required
	LabelsSelector *metav1.LabelSelector `json:"labelsSelector"`

	// secret is used to connect to the target database cluster.
	// +optional
	Secret *BackupPolicySecret `json:"secret,omitempty"`
}

// BackupPolicySecret names the secret that holds the database credentials the
// backup tool connects with. Its values are passed to tools by reference and
// never written into an object or a log.
type BackupPolicySecret struct {
	// name is the secret name.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern:=`^[a-z0-9]([a-z0-9\.\-]*[a-z0-9])?$`
	Name string `json:"name"`

	// usernameKey is the map key of the user in the connection credential secret.
	// +kubebuilder:default=username
	// +kubebuilder:validation:Required
	UsernameKey string `json:"usernameKey,omitempty"`

	// passwordKey is the map key of the password in the connection credential secret.
	// +kubebuilder:default=password
	// +kubebuilder:validation:Required
	PasswordKey string `json:"passwordKey,omitempty"`
}
