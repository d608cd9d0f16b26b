// Package drivertest is the conformance suite of the driver SPI: every
// driver, in this module or out of it (a plugin), runs it to prove that it
// keeps the contracts documented on drivers.Driver, and that it works
// through the engine, not only through the SPI.
//
// A driver's test supplies a HarnessMaker and calls RunConformanceTests
// (ExampleRunConformanceTests has a whole harness: a driver served through
// the plugin protocol by plugin.TestDriver, as a plugin author's tests
// would run it):
//
//	func TestConformance(t *testing.T) {
//		drivertest.RunConformanceTests(t, func(ctx context.Context, t testing.TB) (drivertest.Harness, error) {
//			return newHarness(t) // the driver, plus what its backend needs
//		})
//	}
//
// Backends differ only in their Harness: it makes the driver, adapts the
// suite's tasks to the backend (PrepareTask), and reads back the files the
// tasks wrote (ReadFile). The tasks' commands are POSIX shell and write only
// under their BACKUP_DIR, in the claim "drivertest" mounted at /backupdata;
// a harness that plays the kubelet runs them on this machine with the claim
// mapped to a local directory. Snapshot tasks carry a Behaviour (succeed,
// fail, block) that the harness's fake snapshot controller realises.
// Optional interfaces extend a harness: Restarter (the driver's state
// outlives an instance), EngineHarness (the end-to-end case's targets,
// image, claim), Timing (a slower backend).
//
// The suite reads the driver's Capabilities and skips, with the reason, the
// cases of task kinds and backup types the driver does not declare. Its
// cases: unknown IDs (Status NotFound; Cancel and Cleanup nil); stable
// capabilities; prompt return and code Canceled under a cancelled context;
// error codes (InvalidArgument, Unimplemented) that survive wrapping; a
// backup's artifacts with size and sha256; Start idempotent on the task ID
// (concurrent and repeated Starts, one execution); a restore that
// round-trips a backup's data; steps and commands in order with step env
// over task env; $(VAR) expansion; JSON output; a failing command (Failed,
// message, log tail, code Unknown, later commands not run); deletion of a
// backup's data; snapshots and their size; Cancel (prompt, idempotent, no
// effect on a finished task); Cleanup (idempotent, then NotFound, data kept);
// deadlines (DeadlineExceeded); concurrent tasks; adoption after a restart;
// and a Backup, RestoreJob and Backup deletion driven to completion by the
// engine's executor over an in-memory store.
//
// Conventions the suite fixes where the SPI leaves a choice: a task whose
// command exits non-zero reports ErrorCode Unknown; a failed task's LogTail
// holds the failing command's output.
//
// BenchmarkDriver measures the Start+Status round trip, Status polling and
// a whole task's latency with the same harnesses.
package drivertest
