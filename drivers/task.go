package drivers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TaskKind is what a task does.
type TaskKind string

// The task kinds.
const (
	// KindBackup runs a BackupTool's backup commands (or takes a snapshot).
	KindBackup TaskKind = "backup"
	// KindRestore runs restore commands (or restores volumes from snapshots).
	KindRestore TaskKind = "restore"
	// KindHook runs a snapshot policy's pre or post commands in the target.
	KindHook TaskKind = "hook"
	// KindStatusUpdate runs a backupStatusUpdates script whose standard
	// output, JSON, is patched into the Backup's status.
	KindStatusUpdate TaskKind = "status-update"
	// KindDeleteArtifacts deletes a backup's data (its directory or snapshots).
	KindDeleteArtifacts TaskKind = "delete-artifacts"
)

// TaskKinds lists every TaskKind.
var TaskKinds = []TaskKind{KindBackup, KindRestore, KindHook, KindStatusUpdate, KindDeleteArtifacts}

// Task is fully resolved work for a driver. The policy package builds it; a
// driver reads nothing else to run it. A Task is immutable once started: the
// same ID always carries the same Task.
type Task struct {
	// ID is the idempotency key, deterministic from the owner's UID, the
	// attempt and the step, and a valid DNS-1123 label of at most 63
	// characters so drivers can use it as an object name.
	ID string
	// Kind is what the task does.
	Kind TaskKind
	// BackupType is the type of the backup the task belongs to.
	BackupType v1alpha1.BackupType
	// Owner is the Backup or RestoreJob the task belongs to.
	Owner ObjectRef
	// Labels go on whatever runtime objects the driver creates.
	Labels map[string]string

	// Image is the container image the commands run in (drivers that run
	// processes locally ignore it).
	Image string
	// Steps run in order; each step's commands run in order, each with
	// `sh -c`; the task fails at the first command that fails.
	Steps []Step
	// Env is the environment of every command, in order: DB_HOST, DB_USER,
	// DB_PASSWORD, BACKUP_NAME, BACKUP_DIR, then the tool's env. Secret
	// values are references (ValueFrom.SecretKeyRef), never values. Values
	// are in Kubernetes syntax: a driver that sets them itself expands each
	// one exactly once, in order, with Expand (as the kubelet does).
	Env []corev1.EnvVar
	// EnvFrom are sources of further variables; Env wins over them.
	EnvFrom []corev1.EnvFromSource
	// Resources are the compute resources of the task's container.
	Resources *corev1.ResourceRequirements

	// Target is where the database runs.
	Target Target
	// Container is the target container a hook or status update runs in;
	// empty means the target's first container.
	Container string
	// Storage is where backup data is written or read.
	Storage *Storage
	// Volumes and VolumeMounts are extra volumes for the task (a restore's
	// targetVolumes and targetVolumeMounts).
	Volumes []corev1.Volume
	// VolumeMounts mount Volumes into the task's container.
	VolumeMounts []corev1.VolumeMount
	// Snapshot describes a snapshot backup or restore; nil otherwise.
	Snapshot *SnapshotSpec

	// Deadline is when the task must be finished; a driver fails a task
	// still running then with DeadlineExceeded. Zero means none.
	Deadline time.Time
}

// Step is a group of commands run with extra environment, after the task's.
// A restore of an incremental chain has one step per backup of the chain.
type Step struct {
	// Name identifies the step in logs.
	Name string
	// Commands run in order with `sh -c`.
	Commands []string
	// Env is added after the task's Env (and wins over it).
	Env []corev1.EnvVar
}

// ObjectRef names the API object a task belongs to.
type ObjectRef struct {
	// Kind is "Backup" or "RestoreJob".
	Kind string
	// Namespace of the object.
	Namespace string
	// Name of the object.
	Name string
	// UID of the object.
	UID types.UID
}

// Target is one resolved database instance: a pod in a cluster, or a local
// target when embedded.
type Target struct {
	// Name of the pod or local target.
	Name string
	// Namespace of the pod; empty for local targets.
	Namespace string
	// Host is how tools reach the database (DB_HOST).
	Host string
	// Node is the node the pod runs on, for tasks that must run beside it.
	Node string
	// Containers are the names of the pod's containers, first the default.
	Containers []string
	// Image is the image of the first (default) container. A BackupTool
	// without an image runs in it, as upstream: policy puts it into
	// Task.Image. Empty when unknown (local targets run no images).
	Image string
	// Labels of the pod or local target.
	Labels map[string]string
	// Volumes of the pod, which tasks running beside it may mount.
	Volumes []corev1.Volume
	// VolumeMounts of the pod's first container.
	VolumeMounts []corev1.VolumeMount
	// Tolerations of the pod, copied to tasks that must run beside it.
	Tolerations []corev1.Toleration
	// Env is extra environment a local target gives its tasks (such as
	// PGPORT or a data directory).
	Env map[string]string
	// DataDir is a local target's data directory, when it has one.
	DataDir string
	// NotReady reports that the instance is known not to serve now: a pod
	// without the Ready condition, a local database that a host's check
	// (targets.WithReadiness) finds down. The zero value is ready, so a
	// resolver that cannot tell reports ready. A RestoreJob's logical
	// restore, which needs the database running, waits while its target is
	// NotReady.
	NotReady bool
}

// Storage is where a task's backup data lives: a directory in a claim.
type Storage struct {
	// ClaimName is the PersistentVolumeClaim (or, embedded, the local
	// storage root's subdirectory of that name).
	ClaimName string
	// MountPath is where the claim is mounted in the task's container.
	MountPath string
	// Path is the backup's directory relative to the claim's root, such as
	// "demo/pg-policy-datafile-20261125013000". BACKUP_DIR is
	// MountPath/Path. It never contains "..".
	Path string
	// Create is the claim to create when it does not exist; nil when it
	// must exist (createPolicy Never).
	Create *ClaimTemplate
}

// ClaimTemplate says how to create a missing backup claim.
type ClaimTemplate struct {
	// Capacity is the requested size (initCapacity, default 100Gi).
	Capacity resource.Quantity
	// StorageClassName is the class; nil for the cluster default.
	StorageClassName *string
	// PersistentVolumeTemplate names a ConfigMap whose key
	// "persistentVolume" holds a PersistentVolume template; nil for none.
	PersistentVolumeTemplate *ConfigMapRef
	// GenerateName is the value of $(GENERATE_NAME) in that template:
	// "<claim name>-<namespace>".
	GenerateName string
}

// ConfigMapRef names a ConfigMap.
type ConfigMapRef struct {
	// Namespace of the ConfigMap.
	Namespace string
	// Name of the ConfigMap.
	Name string
}

// SnapshotSpec describes a snapshot backup or restore.
type SnapshotSpec struct {
	// Name is the VolumeSnapshot name (for a backup) or the snapshot to
	// restore from.
	Name string
	// ClassName is the VolumeSnapshotClass; empty for the default.
	ClassName string
	// Claims are the target's claims to snapshot (backup) or to create
	// from the snapshot (restore).
	Claims []string
}
