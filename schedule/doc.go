// Package schedule turns a BackupPolicy's cronExpression into scheduled
// slots: it parses the expression, finds the slot that is due at a given
// instant, classifies missed slots, and names the Backup created for a slot.
//
// The package is pure. It does no I/O and never reads the clock: every
// function takes the instant it reasons about (now) from the caller, so the
// engine can run it on a fake clock and a test can pin every answer.
//
// Schedules are always evaluated in UTC, whatever time.Local is and whatever
// zone the caller's times carry. The grammar is the one of
// v1alpha1.ParseCron: five fields or a descriptor (@daily, @hourly, ...).
//
// The slot math follows the Kubernetes CronJob controller: Due looks at the
// slots after since (the later of status.lastScheduleTime and the policy's
// creation time) up to now and returns only the most recent one, so a
// controller that was down runs at most one Backup for all the slots it
// missed. Counting missed slots stops after a small bound, and the most
// recent slot is found by bisection, so a policy that was idle for years
// costs a few dozen evaluations of the schedule, not millions.
//
// BackupName derives the scheduled Backup's name from the policy, the backup
// type and the slot. The same inputs always give the same name, so creating
// the Backup is idempotent across restarts and replicas: AlreadyExists means
// the slot was already taken care of.
//
// A typical reconcile of the datafile schedule of a policy:
//
//	s, err := schedule.Parse(policy.Spec.Schedule.Datafile.CronExpression)
//	if err != nil {
//		return // report on the policy's status; do not retry
//	}
//	r := schedule.Due(s, since, now)
//	if !r.Slot.IsZero() {
//		name := schedule.BackupName(policy.Name, v1alpha1.BackupTypeDataFile, r.Slot)
//		fmt.Println("create", name) // the Backup (AlreadyExists: adopt it if ours)
//	}
//	fmt.Println("requeue at", r.Next)
package schedule
