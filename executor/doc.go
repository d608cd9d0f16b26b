// Package executor holds the state machines of the engine: Backup
// (New → InProgress → Completed | Failed, and deletion), RestoreJob
// (New → InProgressPhy → InProgressLogic → Completed | Failed) and
// BackupPolicy (validation, schedules, retention).
//
// Each Reconcile method is one idempotent step: it reads the object and what
// the drivers report, does at most one store write or driver action that
// moves the object forward (or a batch of idempotent ones), and returns when
// to come back. Repeating a step, or dying between any two writes, leads to
// the same end state: task IDs and scheduled Backup names are deterministic,
// drivers adopt a task that was already started, and every status write
// carries the resourceVersion it was computed from.
//
// The executor uses the store and driver SPIs only; the root package wires
// concrete stores and drivers in and runs the loop that calls it.
package executor
