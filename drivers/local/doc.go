// Package local is the embedded default driver: it runs tasks as processes
// on this machine, with no cluster. Hosts register it under the deployKind
// "job" (and "daemon") when they embed the engine:
//
//	d, err := local.New(local.Options{Root: "/var/lib/backups", Secrets: local.SecretDir("/etc/dp/secrets")})
//	if err != nil {
//		return err
//	}
//	registry := drivers.Registry{drivers.NameJob: d, drivers.NameDaemon: d}
//
// # Running a task
//
// Every command of every step runs in order with `<Shell> -c <command>`; the
// task stops at the first command that exits non-zero. As a container's
// args are in Kubernetes, commands are expanded first: $(VAR) references to
// the command's environment are replaced and "$$" is an escaped "$" (write
// "$$$$" for the shell's own "$$"). The task's image, container, resources,
// volumes and volume mounts are ignored.
//
// A command's environment is the host's (Options.Environ), then the task's
// resolved by the one resolution every runner shares (internal/envvar,
// exactly as the kubelet builds a container's): the task's envFrom sources,
// its env in order (a value's $(VAR) references expand against the
// variables before it), then its step's env, which wins over the task's.
// secretKeyRef and configMapKeyRef values, and envFrom sources, come from
// Options.Secrets and Options.ConfigMaps in the owner's namespace; a
// missing one fails Start with FailedPrecondition unless the reference is
// optional. A fieldRef resolves from the target: metadata.name (the
// target's name), metadata.namespace (the owner's), spec.nodeName (the
// target's node, usually empty) and metadata.labels['k']; other fields and
// resourceFieldRef are InvalidArgument.
// Variables reach the commands through a shell (see Supervision), so a
// task's variable must have a name the shell can export (InvalidArgument
// otherwise); envFrom keys and host variables that a shell cannot name are
// left out.
//
// # Storage
//
// A task's claim is the directory <Root>/<Storage.ClaimName> (created for
// backups when Storage.Create is set, required otherwise) and its backup
// directory <Root>/<ClaimName>/<Storage.Path>. Tasks name paths as the
// container would see them, under Storage.MountPath (BACKUP_DIR is
// MountPath/Path), so every env value that is the mount path or a path
// below it is mapped to the same path below the claim's directory before
// its references expand: BACKUP_DIR=/backupdata/ns/b1 becomes
// <Root>/<claim>/ns/b1 in the command's environment (a path written
// literally in a command is not mapped: use the variables). Commands run
// in the backup directory (backups create it; restores and status updates
// use it when it exists; hooks run in a directory of their own).
//
// Nothing the driver creates, reads, measures or deletes escapes Root:
// claim names must be DNS subdomains and storage paths relative without
// "..", and a directory reached through a symbolic link is refused
// (FailedPrecondition). A backup's artifacts are the regular files under
// its directory, walked without following links, with their sizes and
// sha256 checksums, sorted by path; TotalSize is their sum. A
// delete-artifacts task removes the backup directory (never the claim, and
// not through a link), in the driver's own process; deleting a missing
// directory succeeds.
//
// # Repositories
//
// A backup or restore task with a drivers.Repository stages its data: its
// Storage names no claim, and its mount path stands for the directory
// <StateDir>/<task ID>/staging (private to the driver's user, removed with
// the task's state), so BACKUP_DIR is a directory there and tools write
// and read files as they would in a claim. The driver moves the data in
// its own process, never through the task's commands, which see neither
// the repository's credentials nor its identity:
//
//   - before the steps, every backup of Pull is downloaded into its
//     directory, each object checked against its manifest (and the
//     manifest against the recorded checksum) before it takes its name; a
//     failure ends the task Failed before any command runs, with the
//     error's code (PermissionDenied for an identity that matches no
//     recipient, FailedPrecondition for corrupted data, NotFound for a
//     missing backup) and a message naming the backup and the object;
//   - after the steps succeeded, the BACKUP_DIR of Push is uploaded as a
//     backup (zstd, age encryption to the recipients, sha256, its manifest
//     last); the task reports Running, with TaskStatus.BytesDone, until
//     the upload committed, then Succeeded with TaskStatus.Repository and
//     TotalSize the logical bytes, and the staging directory is removed.
//     A failed upload fails the task (with the error's code) and commits
//     nothing.
//
// Transient failures (an unreachable server, a throttled request) are
// retried twice, after 2 s and 10 s: both directions are idempotent. A new
// Driver on the same StateDir finishes what a dead one left: it uploads a
// backup whose commands succeeded (the outcome of an upload is recorded
// before the staging directory goes, so it is never uploaded twice), and
// restarts a download that was under way.
//
// The repository is opened, for each transfer, from the task's
// description: its client environment (drivers.Repository.ClientEnv: the
// URL, the recipients, the credentials and, for restores, the identity)
// resolves as the task's env does, secrets from Options.Secrets in the
// owner's namespace, and configures it as package repository/repourl says
// (s3://, file://, compression and level in the URL). A handle registered
// under the repository's name in Options.Repositories replaces what the
// URL would open (a mem:// repository shared with the engine, or a client
// the host configured itself); the recipients, identity and compression
// still come from the description.
//
// # Supervision and restarts
//
// Each task has a state directory, <StateDir>/<task ID>, created
// atomically (built under a temporary name, then renamed), which holds the
// task as started (its env carries secret references, never values), the
// directories and deadline, the supervisor and capture scripts, the steps'
// environments while the task runs, the supervisor's process
// ID (written by the supervisor; the file's time is the start time), the
// exit record, a cancellation record, the end of the output (see Output)
// and, once the task is over, its final status. Small files are written to
// a temporary file and renamed.
//
// The driver starts a small POSIX shell supervisor as the leader of a new
// session and process group; it runs the commands and writes the exit
// record itself, so it needs nothing from the host process after Start and
// survives it. Beside it, in a session of its own, a capture script
// (capture.sh) reads the commands' output from pipes and keeps its end in
// the state directory; a task is over once its output is complete. The
// supervisor, the capture and every process they start inherit a file
// locked with flock, <StateDir>/.locks/<task ID> (beside the task's
// directory, not in it; the supervisor writes its process ID there): the
// task's processes live exactly as long as someone holds that lock, with
// no pid reuse to fear. A new Driver on the same StateDir therefore
// reports every task exactly (Running while the lock is held, then the
// recorded outcome), adopts a known ID in Start without running anything,
// and reports a task whose processes ended without an exit record (killed
// from outside, or the machine rebooted) as Failed with code Unavailable
// and a message that says so. An ID never runs twice at once: a task whose
// state directory is deleted while it runs is Running (with a message that
// says so) while its processes live, Start adopts it and Cancel still
// stops it; once they are gone it is unknown (NotFound) and may start
// anew. The Driver keeps each task's lock file open, so this holds for it
// even when the lock file is deleted too.
//
// The supervisor script is the same for every task (supervisor.sh). The
// commands reach it in environment variables (__DP_*), which the commands
// themselves never see; each step's environment is a file of the state
// directory, env.<step>, readable by the driver's user only (0600, in a
// 0700 directory), which a clean shell (`env -i`) reads before it becomes
// the command's shell. No variable's value is ever in an argv, which
// /proc/*/cmdline shows to every user (a command that itself writes
// $(DB_PASSWORD) puts the value in its own argv, as it would in a
// container: write "$DB_PASSWORD"). The files are removed when the task
// ends. Secret values reach the combined output file if a command prints
// them; everything the driver reports (LogTail, Message, Output,
// Driver.Log) has every secret value the task's environment holds
// replaced by "[REDACTED]" — in Output within the decoded JSON document,
// so a value escaped in JSON text is found and the document stays valid
// (a secret that is a JSON number becomes the string "[REDACTED]") —
// also after a restart, when the values are resolved again from the
// SecretSource. The driver's own log lines (Options.Logger) name tasks,
// processes and directories, never environment values.
//
// When a task ends, its last command succeeded or one failed, the
// supervisor kills its process group (SIGKILL), itself included, as the
// processes of a container die with its main process: a command's
// background children never outlive the task, nor hold its lock or its
// output. A process that leaves the group (setsid, a daemon) is beyond
// reach: it lives on, and while it holds the output open the task is over
// only 10 seconds after its last command ended (redirect its output).
//
// # Cancel, deadlines, cleanup
//
// Cancel records the cancellation (the task reports Failed with code
// Canceled at once), sends SIGTERM to the task's process group and SIGKILL
// after Options.KillGrace; commands not yet started never start. A task
// still running at its Deadline is stopped the same way and reports
// DeadlineExceeded; the driver arms a timer at Start and checks the
// deadline in every Status, so the deadline of a task adopted after a
// restart holds too. Cleanup stops a running task (waiting up to KillGrace
// before SIGKILL) and removes its state directory, never its backup
// directory.
//
// # Output
//
// A backup is measured once its commands succeeded, in the background: a
// Status call waits for the measurement up to two seconds (and while its
// context lasts), and a larger backup reports Running until a later call
// finds it measured, so that no call outlives the engine's call timeout.
//
// The state directory keeps one bounded copy of what the commands print,
// however much that is: the end of the combined output (standard output
// and standard error; standard output reaches it through the capture, so
// a line of it may follow standard error printed just after it), at least
// OutputKeptBytes (1 MiB) of it, in output.log and output.log.1; and, to
// find the JSON output, the end of the standard output, at least 64 KiB,
// in stdout.log and stdout.log.1. Each of these files stays under its size
// plus 1 MiB, so the output files of a task never exceed MaxOutputBytes
// (6.125 MiB); a file name.cut records that output was dropped. Log
// returns the kept end of the combined output.
//
// A task's Output is its standard output when that is a JSON object and
// was kept whole (1 MiB at most), else the last line of the last 64 KiB of
// standard output that is one (print the JSON last, on one line); what a
// command prints on standard error is never Output. LogTail is the end of
// the combined output (Options.LogTailBytes), starting at a line. A
// command that exits
// non-zero fails the task with code Unknown and a message naming the step,
// the command and the exit status.
//
// # Targets
//
// Targets is a targets.Resolver over local database instances (name,
// labels, host, env, data directory) for the engine's Config.Targets; a
// target's DataDir reaches its tasks as DATA_DIR.
//
// The driver needs a Unix system (process groups and flock). It is safe for
// concurrent use; one Driver at a time may use a StateDir.
package local
