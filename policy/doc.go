// Package policy turns the API objects into decisions, purely: it validates
// a BackupPolicy against the BackupTools it names and the drivers the host
// registered ([Validate]), and resolves a Backup or a RestoreJob, with its
// policy, tool, target and backup chain, into the [drivers.Task]s that make
// it happen ([ResolveBackup], [ResolveRestore], [ResolveDeletion]).
//
// Nothing here does I/O or reads a clock: the executor gathers the inputs
// (objects from the store, targets from the resolver, capabilities from the
// drivers, the time) and passes them in.
//
// # Environment of tool commands
//
// Every command of a task sees, in this order: DB_HOST (the target's host),
// DB_USER and DB_PASSWORD (references to the policy's secret, never values),
// BACKUP_NAME, BACKUP_DIR (the backup's own directory), the target's own
// variables (local targets), PARENT_BACKUP_NAME, PARENT_BACKUP_DIR and
// PARENT_CHECKPOINT (incremental backups), then the tool's env with
// Kubernetes $(VAR) expansion against the variables before it, and the
// tool's envFrom sources. Values in [drivers.Task].Env stay in Kubernetes
// syntax: references to plain values before them are substituted here
// (escaped), and the driver — or the kubelet, for a Job — expands each value
// exactly once at the end, which resolves "$$" escapes and references to
// secret-backed variables that only the driver can read.
//
// # Trust
//
// A namespace is a tenant, and what a tool printed is untrusted. Where a
// backup's data lives is derived from the backup's namespace, policy and name
// ([BackupLocation]), never read back from its status, and status updates
// cannot write the fields that record it ([ApplyStatusUpdate]). A value read
// from a status, PARENT_CHECKPOINT, reaches commands only through the
// environment: a $(PARENT_CHECKPOINT) in a command (or $(NAME) of a tool
// variable built from it) becomes the shell's ${PARENT_CHECKPOINT}, so the
// value is never parsed as shell code.
package policy
