// Package v1alpha1 holds the dataprotection.kubeblocks.io/v1alpha1 API: Backup,
// BackupPolicy, BackupTool and RestoreJob, their enums and defaults, a strict
// decoder, validation, and the scheme registration.
//
// The JSON names, enum sets and defaults are wire compatible with the upstream
// KubeBlocks v0.5 API, so manifests written for it decode strictly and keep
// their meaning. BackupTool is cluster-scoped; the other three kinds are
// namespaced. Every kind has a status subresource.
//
// The package imports only apimachinery, k8s.io/api and the cron parser, so
// hosts can depend on the types without the rest of the SDK.
//
// +kubebuilder:object:generate=true
// +groupName=dataprotection.kubeblocks.io
// +groupGoName=Dataprotection
package v1alpha1
