// Package job is the Kubernetes driver: it runs each backup, restore and
// delete-artifacts task as one batch/v1 Job, and each hook and status-update
// task by pod exec in the target's own container.
//
//	d, err := job.New(clientset, job.Options{RESTConfig: restConfig})
//	if err != nil {
//		return err
//	}
//	engine, err := dataprotection.New(dataprotection.Config{
//		Store:   st,
//		Drivers: drivers.Registry{drivers.NameJob: d, drivers.NameDaemon: d},
//		Targets: kubehost.PodsFromClient(clientset),
//	})
//
// # Jobs
//
// A task's Job is named after the task's ID and labelled with it
// (v1alpha1.LabelTaskID), which makes Start idempotent: a second Start finds the Job
// and adopts it, in this process or after a restart. The Job lives in
// Options.Namespace, by default the namespace of the task's Backup or
// RestoreJob, which then controls it through an owner reference (so
// deleting the owner deletes the Job where the garbage collector runs). It
// carries the task's labels, backoffLimit 0 (the engine, not
// the Job, retries a failed run, with a new task),
// activeDeadlineSeconds from Task.Deadline, restartPolicy Never.
//
// The container runs the task's image with `sh -c <script> sh <command>...`.
// The script, generated deterministically from the task out of the
// programs in scripts/ (embedded), runs every step in order, in a subshell
// that exports the step's variables, and every command of a step in order
// with `sh -c`; the first command that fails ends the task with its exit
// status. The commands are the container's separate arguments, never text
// of the script: the kubelet expands their $(VAR) references as in any
// container's args (a reference to a step's own variable gives the step's
// value), and the script is escaped so that the expansion leaves it as it
// is, so a value (a password, a parent's CheckPoint) can never change the
// script around the command. The container's env is Task.Env as it is (a
// secretKeyRef stays a reference: secret values never enter the Job), the
// steps' variables under carriers, then envFrom, then the task's
// resources. A backup's Job mounts the target pod's volumes at the target
// container's mount paths and, when the target has node-bound volumes
// (claims, host paths), is required to run on the target's node (node
// affinity on the Node's name) with the target's tolerations; a restore
// mounts the task's volumes. Both mount the backup claim at
// Storage.MountPath. A backup's steps run in BACKUP_DIR, created first.
//
// When the steps are done the script writes its result as JSON to the
// termination message: the exit status; for a backup, each file under
// BACKUP_DIR with its size and sha256, and their total size (only the count,
// total size and aggregate checksum, drivers.AggregateChecksum, when the
// list does not fit the message's 4096 bytes); the last line of standard
// output when it is a JSON object (a tool's manifest, merged into the
// Backup's status.manifests); and for a failure, which command failed and
// the end of its log. Status reads it from the Job's pod and redacts it:
// the values of the secrets the container references (read again from the
// Job's namespace) are hidden in the output (in the decoded document), the
// log tail and the message. The script needs a POSIX sh,
// awk (for the result; without it only the exit status is reported),
// sha256sum, find, sort, wc and mktemp: what busybox and coreutils images
// have. File names containing a newline are left out of the list.
//
// Status reads the Job's conditions by type, never by position: Complete or
// SuccessCriteriaMet is success, Failed or FailureTarget failure (code
// DeadlineExceeded for the reason DeadlineExceeded); before that the task is
// Running while the Job has active pods and Pending otherwise, and Failed
// with DeadlineExceeded once its deadline has passed, even where no Job
// controller enforces it. Cancel suspends the Job, marks it with
// v1alpha1.AnnotationTaskCanceled and deletes its pods; Cleanup deletes the Job
// (propagation Background) and its pods.
//
// # Backup claims
//
// Before a backup's Job the driver makes sure the backup claim exists. A
// missing claim is created when the task has a ClaimTemplate (createPolicy
// IfNotPresent): ReadWriteMany, the template's capacity and storage class;
// with a persistentVolumeConfigMap (and no storage class), the
// PersistentVolume in its key "persistentVolume", with $(GENERATE_NAME)
// replaced, is created first and the claim bound to it. Both carry the
// annotation v1alpha1.AnnotationCreatedByPolicy. Without a template (createPolicy
// Never) a missing claim is a FailedPrecondition error naming it.
//
// # Deleting backup data
//
// A delete-artifacts task is a Job that mounts the claim and runs
// `rm -rf` of exactly MountPath/Path (a non-empty relative path without
// ".."), then removes the parent directories it left empty. When the claim
// is gone, there is nothing to delete and the Job only says so.
//
// # Repositories
//
// A backup or restore task with a drivers.Repository stages its data in an
// emptyDir (StagingVolumeName) mounted at Storage.MountPath, so BACKUP_DIR
// is there and the tool's script runs unchanged; no claim is created or
// mounted. The data moves in containers of their own that run dpctl from
// Options.ToolsImage, with the repository's client environment
// (drivers.Repository.ClientEnv: DP_REPOSITORY, DP_REPOSITORY_RECIPIENTS,
// and the credentials and identity as secretKeyRefs, which the kubelet
// resolves in the Job's namespace); the tool's container never gets it:
//
//   - a backup's pod runs the tool's container as its init container, then
//     UploadContainerName: `dpctl push-dir --result <termination message>
//     KEY MountPath/Path`;
//   - a restore's pod runs one init container per backup of Pull, in
//     order (DownloadContainerPrefix + index): `dpctl pull-dir --result ...
//     [--manifest-sha256 SUM] KEY MountPath/Path`, each object checked
//     before it takes its name, then the tool's container.
//
// Status reads the upload's result (key, manifest checksum, objects,
// logical and stored bytes) from its termination message into
// TaskStatus.Repository and TotalSize; a failed transfer fails the task
// with dpctl's code (PermissionDenied, FailedPrecondition for corrupt data,
// NotFound, Unavailable) and message, which name the repository, backup and
// object and never a secret. A restore whose download failed never runs
// its tool. Containers share Options.SecurityContext, so dpctl can read
// what the tool wrote. The Secrets the references name must exist in the
// Job's namespace (Options.Namespace, or the owner's): give each
// namespace credentials limited to its own keys (they start with
// "<namespace>/").
//
// The tools image contract: dpctl at Options.ToolsPath (DefaultToolsPath,
// /usr/local/bin/dpctl), able to run as any user and without a shell, and
// the CA certificates (/etc/ssl/certs/ca-certificates.crt) an https
// endpoint needs. deploy/tools-image/Dockerfile builds one from this
// repository (a static dpctl on scratch). Without Options.ToolsImage the
// driver's Capabilities have no Repositories, and a policy that chooses a
// repository for its tasks is Failed with a reason that says so.
//
// # Hooks and status updates
//
// Hook and status-update tasks run in the target's container
// (Task.Container, by default the target's first) through a PodExecutor,
// by default pod exec through the API server, by the one pod exec runner
// the CSI driver uses too (internal/podexec). The task's environment is
// resolved as the kubelet would (secrets and config maps are read from the
// target's namespace, $(VAR) references expanded, in the commands too) and
// passed with the commands on the command's standard input, so secret
// values appear neither in the exec request nor in any object; everything
// reported (Output, LogTail, Message) is redacted. Standard output, at
// most 64 KiB, is a status update's Output when it is a JSON object. Each
// task is recorded in a ConfigMap named by its ID (Options.Namespace, else
// the target's namespace): after an engine restart a finished task is
// reported from it, and one that was running is Failed with code
// Unavailable rather than run again.
//
// # Errors
//
// Errors of the API server map to driver codes: NotFound, AlreadyExists,
// Conflict, Forbidden and Unauthorized (PermissionDenied), Invalid and
// BadRequest (InvalidArgument), TooManyRequests (ResourceExhausted),
// timeouts, unavailability and connection failures (Unavailable).
//
// # Permissions
//
// The driver's identity needs: jobs (get, list, create, update, delete),
// pods (list, delete), persistentvolumeclaims (get, create), configmaps
// (get), persistentvolumes (get, create) for claim templates, secrets (get:
// to redact what a finished Job printed), and for hooks and status updates
// pods/exec (create), secrets and configmaps (get) in the targets'
// namespaces, and configmaps (create, update, delete, list) for their
// records. Without Options.Namespace, listing jobs in every
// namespace lets it find, after a restart, the Jobs of tasks it has not
// seen yet.
package job
