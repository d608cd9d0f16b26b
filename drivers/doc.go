// Package drivers is the driver SPI: the contract between the engine, which
// decides what to run and when, and the drivers that run it (local processes,
// Kubernetes Jobs, CSI snapshots, out-of-process plugins).
//
// A [Task] is fully resolved work: the policy package builds it from a Backup
// or RestoreJob, its BackupPolicy, BackupTool, target and secret, so a driver
// never reads the API objects itself. A [Driver] starts a task, reports its
// [TaskStatus], cancels it and cleans up what it left behind (never backup
// data, except for tasks of kind [KindDeleteArtifacts]).
//
// Every driver's Start checks a task with [ValidateTask] first (the shape
// every driver needs; a plugin's Serve does it for the author's driver), and
// drivers that run the task's commands with [ValidateCommands]. The checksum
// of a backup made of several artifacts is [AggregateChecksum], whoever
// computes it.
//
// Every method takes a context first, is safe for concurrent use, and reports
// failures with an [*Error] whose [Code] the engine uses to decide between
// retrying and failing for good; it never parses error text. The conformance
// suite in drivers/drivertest checks every rule documented here.
//
// A [Registry] maps names to drivers: the BackupTool deployKinds ("job",
// "daemon"), the snapshot backup type ("snapshot"), and any other name a
// BackupTool selects with the annotation dataprotection.kubeblocks.io/driver.
package drivers
