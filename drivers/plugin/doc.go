// Package plugin runs backup-tool drivers out of process: a plugin is a
// separate binary that serves one or more drivers.Driver over gRPC
// (hashicorp/go-plugin, protocol version ProtocolVersion, package
// proto/v1), and a host turns it back into drivers.Drivers to register in
// its drivers.Registry.
//
// # Plugin authors
//
// A plugin's main calls Serve with its drivers, by registry name (see
// ExampleServe):
//
//	d, err := local.New(local.Options{Root: "/var/lib/my-tool"}) // or a driver of your own
//	if err != nil {
//		log.Fatal(err)
//	}
//	plugin.Serve(plugin.ServeOptions{Drivers: map[string]drivers.Driver{"my-tool": d}, Version: "1.0.0"})
//
// Serve performs the go-plugin handshake (a magic cookie, so that a binary
// started by hand explains itself and exits; the protocol version; automatic
// mutual TLS), serves until the host closes it, and turns a panic in a driver
// method into an error with code Internal instead of a dead process. Logs go
// to standard error (the host logs them); standard output is the
// handshake's, and once it is out Serve points file descriptor 1 at
// standard error, so that a stray write to it (a library, a child process)
// is logged instead of filling a pipe the host no longer reads.
//
// TestDrivers and TestDriver serve drivers in the test's process through the
// same wire protocol (go-plugin's test serving mode), so an author runs the
// conformance suite (drivers/drivertest) through the wire without building a
// binary; InProcess does the same outside tests. examples/plugin is a
// complete plugin with its README.
//
// # Hosts
//
// Discover lists the plugin binaries of a directory; NewManager starts each
// one, checks the handshake (a wrong protocol version, a binary that is not a
// plugin and a handshake past StartTimeout are clear errors), asks each
// process which drivers it serves (Describe) and rejects invalid and
// duplicate names. Manager.Drivers returns them, to merge into the host's
// registry; a BackupTool selects one with the annotation
// dataprotection.kubeblocks.io/driver: <name> (see policy.DriverName).
//
// Processes are long-lived and health-checked. A process that dies is
// restarted by the next call that needs it; a call in flight when it died is
// retried once on the new process (every driver method is idempotent), so
// the engine sees at most one Unavailable error per crash, and the driver's
// own state (on disk, say) decides whether the task is adopted or failed. At
// most MaxRestarts restarts happen per RestartWindow; past that, calls fail
// with code Unavailable, saying why and until when. A process whose calls
// keep timing out (StuckCalls in a row) while it may still answer health
// checks is stuck, and is killed and restarted the same way. Manager.Close
// kills the processes.
//
// # Repositories
//
// A task with a drivers.Repository reaches the plugin whole (the protocol
// carries its URL, its client environment with secrets as references, its
// downloads and its upload), and the plugin's driver moves the data itself:
// what the upload committed (TaskStatus.Repository) and the bytes moved so
// far (TaskStatus.BytesDone) cross the wire back. A driver built on
// drivers/local, as examples/plugin is, does this with nothing to write:
// the local driver stages BACKUP_DIR, uploads it when the steps succeeded
// and downloads before a restore's steps, resolving credentials and the
// identity from its SecretSource (or the identity from a file of the host,
// executor.Repository.IdentityFile). Other drivers use package repository
// (repourl.Parse with the resolved environment opens the repository). A
// driver says it runs such tasks with Capabilities.Repositories; a plugin
// built before repositories existed reports false, and a policy that
// chooses a repository for tasks it would run is Failed saying so.
//
// # Errors and contexts
//
// Error codes cross the wire both ways as gRPC status codes (GRPCCode,
// DriverCode), messages unchanged. The caller's deadline and cancellation
// travel with every call into the plugin; a call past its deadline returns
// an error with code DeadlineExceeded that wraps context.DeadlineExceeded,
// even when the plugin ignores its context.
package plugin
