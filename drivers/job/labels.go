package job

import v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"

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
