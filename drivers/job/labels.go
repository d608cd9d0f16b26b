package job

import v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"

// The labels and annotations the driver puts on what it creates.
const (
	// LabelTaskID on a Job and its pods holds the task's ID. A Job named
	// after a task ID is adopted by Start only when it carries this label
	// with that ID.
	LabelTaskID = v1alpha1.GroupName + "/task-id"
	// LabelTaskKind on a Job and its pods holds the task's kind.
	LabelTaskKind = v1alpha1.GroupName + "/task-kind"
	// AnnotationDeadline on a Job is the task's deadline (RFC 3339); Status
	// reports a task still running past it as failed with
	// DeadlineExceeded, even where no Job controller enforces
	// activeDeadlineSeconds.
	AnnotationDeadline = v1alpha1.GroupName + "/deadline"
	// AnnotationCanceled on a Job records that Cancel stopped it (the time,
	// RFC 3339); Status then reports the task failed with Canceled.
	AnnotationCanceled = v1alpha1.GroupName + "/canceled"
	// AnnotationCreatedByPolicy = "true" marks a backup claim (and its
	// PersistentVolume) that the driver created because the policy's
	// createPolicy allowed it.
	AnnotationCreatedByPolicy = v1alpha1.GroupName + "/created-by-policy"
)

// The names inside a Job's pod.
const (
	// ContainerName is the name of the Job's only container.
	ContainerName = "task"
	// StorageVolumeName is the pod volume of the backup claim; a target
	// volume of the same name makes the task invalid.
	StorageVolumeName = "dataprotection-storage"
	// TerminationMessagePath is where the task's script writes its result
	// (the container's terminationMessagePath).
	TerminationMessagePath = "/dev/termination-log"
)

// ownerAPIVersion is the apiVersion of the Backup and RestoreJob owners.
var ownerAPIVersion = v1alpha1.SchemeGroupVersion.String()
