package v1alpha1

// Every label, annotation and finalizer key of the project is defined here,
// once. Keys that upstream KubeBlocks v0.5 defined keep their upstream
// spelling, so tools written for the upstream API find the same objects; the
// keys this project adds are all GroupName + "/<kebab-case>".

// Keys defined by upstream KubeBlocks v0.5.
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
	// AnnotationTargetPodName on a Backup records the target chosen as source.
	AnnotationTargetPodName = GroupName + "/target-pod-name"
	// AnnotationPathPrefix on a BackupPolicy puts its backups' directories
	// under this prefix within the namespace's directory of the claim
	// ("<namespace>/<prefix>/<backup>", upstream's layout).
	AnnotationPathPrefix = GroupName + "/path-prefix"
	// AnnotationCreatedByPolicy = "true" marks a backup claim (and its
	// PersistentVolume) that a driver created because the policy's
	// createPolicy allowed it.
	AnnotationCreatedByPolicy = GroupName + "/created-by-policy"
	// Finalizer holds a Backup until its data is deleted.
	Finalizer = GroupName + "/finalizer"
)

// Keys this project adds, on the API objects.
const (
	// AnnotationDriver on a BackupTool names the registered driver that runs
	// its tasks (for example an out-of-process plugin), overriding the driver
	// that the host registered for the tool's deployKind. On a Backup, the
	// engine records the driver that made it, so its data is deleted and
	// restored by the same driver.
	AnnotationDriver = GroupName + "/driver"
	// AnnotationRepository on a BackupPolicy names the repository, one the
	// host registered by that name, where its datafile and logfile
	// backups are stored (instead of its claim). A policy without it uses
	// the engine's default repository, if any (Config.DefaultRepository);
	// with an empty value, its claim despite a default. On a Backup, the engine
	// records the repository that holds its data, so that it is restored
	// and deleted from there; the key within it is always derived from
	// the Backup's namespace, policy and name. On a Job that moves a
	// task's data, the Job driver records it too, for its messages. The
	// per-repository concurrency limit counts the running backups of the
	// policies that name the same repository.
	AnnotationRepository = GroupName + "/repository"
	// AnnotationScheduledTime on a scheduled Backup is its slot, RFC 3339 UTC.
	AnnotationScheduledTime = GroupName + "/scheduled-time"
	// AnnotationAttempt on a Backup or RestoreJob numbers its current run; a
	// failed run with retries left (onFailAttempted) bumps it, and the new
	// run's tasks get new IDs.
	AnnotationAttempt = GroupName + "/attempt"
	// AnnotationTargetWaitSince on a RestoreJob records when (RFC 3339) its
	// logical restore began to wait for its target to be ready.
	AnnotationTargetWaitSince = GroupName + "/target-wait-since"
	// AnnotationDeleteAttempt on a Backup numbers the runs of its data
	// deletion.
	AnnotationDeleteAttempt = GroupName + "/delete-attempt"
	// AnnotationPolicyWaitSince on a New Backup records when (RFC 3339) it
	// began to wait for its BackupPolicy, which did not exist yet; the
	// Backup fails once the engine's PolicyWaitTimeout has passed since,
	// however often the engine restarts. The engine removes it once the
	// policy is found.
	AnnotationPolicyWaitSince = GroupName + "/policy-wait-since"
	// AnnotationTasks on a Backup or RestoreJob lists, as JSON, the tasks
	// of its runs, oldest first, each with its ID, the driver that runs it
	// and where its log is (drivers.LogReader.LogLocation):
	// [{"id":"b1-1a2b3c4d-0-main","driver":"job","log":"..."}]. The engine
	// writes it when a run starts and keeps the latest MaxRecordedTasks;
	// tools read it to find a task's log (dpctl logs).
	AnnotationTasks = GroupName + "/tasks"
	// AnnotationDataPath on a Backup says where its data is for a person
	// on the machine that holds it, when its driver can say
	// (drivers.DataLocator): for the local driver, the directory on disk
	// that status.manifests.backupTool.filePath (a path the tool saw,
	// under the claim's mount path) stands for.
	AnnotationDataPath = GroupName + "/data-path"
)

// Keys this project adds, on the runtime objects drivers create (Jobs, their
// pods, VolumeSnapshots, claims). Every driver uses the same keys.
const (
	// LabelTaskID names the task that created the object. A driver adopts
	// an object named after a task only when it carries this label with
	// that task's ID; Cleanup removes the task's objects found by it.
	LabelTaskID = GroupName + "/task-id"
	// LabelTaskKind is the kind of the task that created the object.
	LabelTaskKind = GroupName + "/task-kind"
	// LabelOwnerUID is the UID of the Backup or RestoreJob the object was
	// made for. It stays after Cleanup: delete-artifacts finds a Backup's
	// snapshots by it.
	LabelOwnerUID = GroupName + "/owner-uid"
	// AnnotationTaskDeadline is the task's deadline, RFC 3339; a driver
	// reports a task still running past it as failed with DeadlineExceeded,
	// even where no controller enforces it.
	AnnotationTaskDeadline = GroupName + "/task-deadline"
	// AnnotationTaskCanceled records that Cancel stopped the task (the
	// time, RFC 3339); its status is then Failed with Canceled.
	AnnotationTaskCanceled = GroupName + "/task-canceled"
	// AnnotationTaskStopped is the code of a task a driver stopped
	// (Canceled, DeadlineExceeded, or Unknown for a backend error), with
	// AnnotationTaskStoppedMessage saying why and AnnotationTaskStoppedAt
	// when.
	AnnotationTaskStopped = GroupName + "/task-stopped"
	// AnnotationTaskStoppedMessage says why a task was stopped.
	AnnotationTaskStoppedMessage = GroupName + "/task-stopped-message"
	// AnnotationTaskStoppedAt is when a task was stopped, RFC 3339.
	AnnotationTaskStoppedAt = GroupName + "/task-stopped-at"
	// AnnotationTaskIndex is an object's position among a task's objects
	// (a snapshot's claim in Task.Snapshot.Claims).
	AnnotationTaskIndex = GroupName + "/task-index"
	// AnnotationTaskObjects is how many objects the task has once its
	// Start finished.
	AnnotationTaskObjects = GroupName + "/task-objects"
)

// Keys this project adds for concurrency limits (the engine's
// Config.BackupLimits and RestoreLimits; the per-repository limit counts by
// AnnotationRepository).
const (
	// AnnotationTargetNode on a Backup records the node of the target
	// chosen as source (drivers.Target.Node), with AnnotationTargetPodName;
	// the per-node concurrency limit counts by it.
	AnnotationTargetNode = GroupName + "/target-node"
	// AnnotationWaiting on a Backup or RestoreJob says which concurrency
	// limit it waits for; its phase stays New meanwhile. The engine removes
	// it once the object runs.
	AnnotationWaiting = GroupName + "/waiting"
)
