package schedule_test

import (
	"fmt"
	"time"

	"github.com/dpsdk/dataprotection/schedule"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func ExampleParse() {
	s, err := schedule.Parse("30 2 * * *")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s, "->", s.Next(time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)))

	_, err = schedule.Parse("CRON_TZ=Europe/Paris 30 2 * * *")
	fmt.Println(err)
	// Output:
	// 30 2 * * * -> 2024-03-16 02:30:00 +0000 UTC
	// invalid cron expression "CRON_TZ=Europe/Paris 30 2 * * *": time zones are not allowed, schedules are in UTC
}

func ExampleDue() {
	s, _ := schedule.Parse("@hourly")
	lastScheduled := time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)
	now := time.Date(2024, 3, 15, 15, 30, 0, 0, time.UTC) // the controller was down

	r := schedule.Due(s, lastScheduled, now)
	fmt.Println("run:", r.Slot)
	fmt.Println("missed:", r.Missed, r.MissedCount)
	fmt.Println("requeue at:", r.Next)
	// Output:
	// run: 2024-03-15 15:00:00 +0000 UTC
	// missed: Some 4
	// requeue at: 2024-03-15 16:00:00 +0000 UTC
}

func ExampleBackupName() {
	slot := time.Date(2024, 3, 15, 15, 0, 0, 0, time.UTC)
	fmt.Println(schedule.BackupName("pg-daily", v1alpha1.BackupTypeDataFile, slot))
	fmt.Println(schedule.BackupName("orders.prod", v1alpha1.BackupTypeSnapshot, slot))
	// Output:
	// pg-daily-datafile-20240315150000
	// orders-prod-10a5f295-snapshot-20240315150000
}

// A typical reconcile of the datafile schedule of a policy (the package
// documentation's).
func Example() {
	policy := &v1alpha1.BackupPolicy{}
	policy.Name = "pg"
	policy.Spec.Schedule = &v1alpha1.Schedule{Datafile: &v1alpha1.SchedulePolicy{Enable: true, CronExpression: "0 * * * *"}}
	since := time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)
	now := since.Add(90 * time.Minute)

	s, err := schedule.Parse(policy.Spec.Schedule.Datafile.CronExpression)
	if err != nil {
		return // report on the policy's status; do not retry
	}
	r := schedule.Due(s, since, now)
	if !r.Slot.IsZero() {
		name := schedule.BackupName(policy.Name, v1alpha1.BackupTypeDataFile, r.Slot)
		fmt.Println("create", name) // the Backup (AlreadyExists: adopt it if ours)
	}
	fmt.Println("requeue at", r.Next)
	// Output:
	// create pg-datafile-20240315110000
	// requeue at 2024-03-15 12:00:00 +0000 UTC
}
