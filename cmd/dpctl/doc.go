// Command dpctl operates the dataprotection.kubeblocks.io/v1alpha1 API
// (Backup, BackupPolicy, BackupTool, RestoreJob) from a shell. Build it with
//
//	go build ./cmd/dpctl
//
// # Backends
//
// A cluster: --kubeconfig (or KUBECONFIG, or ~/.kube/config), --context,
// -n/--namespace, -A/--all-namespaces. The objects are custom resources,
// read and written through store/kube; the operator in the cluster does
// their work, and dpctl only follows it.
//
// A bolt file: --db FILE (or DPCTL_DB), the embedded store/bolt. One process
// at a time can open the file, so while dpctl has it nothing else runs its
// objects: commands that need work done (create backup --wait, restore
// --wait, wait, delete of a Backup that has data) run an engine in dpctl
// with the local driver and the local targets of the config file (--config
// or DPCTL_CONFIG; "dpctl help config" gives its format) until the object
// is done. A file held by a running host is reported at once, naming it.
//
// # Commands
//
//	get KIND [NAME...] [-o wide|yaml|json|name]   the CRDs' printer columns, as kubectl shows them
//	describe KIND NAME...                          spec summary, status, failure reason, events
//	apply -f FILE...                               create or update objects (strict decoding)
//	create backup --policy P [--type T] [--name N] [--parent B] [--wait]
//	restore BACKUP --target-selector k=v [--secret S] [--name N] [--wait]
//	delete KIND NAME... [--wait]                   a Backup's data is deleted first
//	wait KIND NAME [--for done|delete]
//	logs [restorejob] NAME                         the output of the object's tasks
//	version
//
// Kinds are named as kubectl names them (backups, backup, dpb; backuppolicies,
// policy, dpbp; backuptools, tool, dpbt; restorejobs, restore, dprj), as
// "KIND NAME" or "KIND/NAME". --timeout bounds any command; --wait shows phase
// changes and events with the elapsed time (on a terminal also a status line
// redrawn every second) on stderr, and results on stdout.
//
// Exit codes: 0 success, 1 error, 2 wrong usage (unknown command, kind, flag
// or flag value; wrong arguments).
//
// # Adding a command
//
// Each top-level command is one file that declares
//
//	var _ = register(newXCmd)
//
// with newXCmd(*app) *cobra.Command; the root adds every registered command.
// Shared code: backend*.go (the two backends), engine.go (the embedded
// engine), kinds.go, print.go and columns.go, describe*.go, progress.go and
// wait_util.go, config.go.
package main
