// Package memdriver is an in-memory driver for tests, in the way go-cloud's
// memblob is an in-memory bucket: a host tests its own code against the
// engine without a cluster, processes or plugins.
//
// Its tasks run nothing. Each task's Outcome comes from a script when it
// starts: how many Status polls report Running before it finishes, and
// whether it succeeds (with artifacts, snapshots, a size and a JSON output)
// or fails (with a message and an error code). Every Start is recorded, so
// a test can see which tasks the engine started (Started), prove that no
// task ran twice (Executions) and that every task was cleaned up (Live).
//
// It keeps the drivers.Driver contract: Start is idempotent on the task ID
// and checks its shape (InvalidArgument for a task drivers.ValidateTask
// refuses, Unimplemented for a kind or type outside Caps), a call with a
// cancelled context starts nothing, Status of an unknown or cleaned-up task
// is NotFound, Cancel fails a running task with Canceled, and a task still
// running past its Deadline fails with DeadlineExceeded (by Driver.Clock,
// which a test with a fake clock must set to it). It passes the conformance
// suite drivers/drivertest as a snapshot driver; the suite's cases that
// check what commands wrote need a driver that runs commands.
//
// A Driver is safe for concurrent use. Its state lives as long as it does:
// a new Driver knows no task, as after a restart of a driver that keeps no
// state.
package memdriver
