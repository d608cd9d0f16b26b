package schedule_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/dpsdk/dataprotection/schedule"
)

func TestDue(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		since time.Time
		now   time.Time
		want  schedule.Result
	}{
		{
			name: "nothing is due before the first slot",
			expr: "@hourly", since: at(2024, 3, 15, 10, 0, 0), now: at(2024, 3, 15, 10, 59, 59),
			want: schedule.Result{Next: at(2024, 3, 15, 11, 0, 0)},
		},
		{
			name: "the slot equal to since has already run",
			expr: "@hourly", since: at(2024, 3, 15, 10, 0, 0), now: at(2024, 3, 15, 10, 0, 0),
			want: schedule.Result{Next: at(2024, 3, 15, 11, 0, 0)},
		},
		{
			name: "a slot exactly equal to now is due",
			expr: "@hourly", since: at(2024, 3, 15, 10, 0, 0), now: at(2024, 3, 15, 11, 0, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 11, 0, 0), Next: at(2024, 3, 15, 12, 0, 0)},
		},
		{
			name: "exactly one slot is due",
			expr: "@hourly", since: at(2024, 3, 15, 10, 0, 0), now: at(2024, 3, 15, 11, 30, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 11, 0, 0), Next: at(2024, 3, 15, 12, 0, 0)},
		},
		{
			name: "the first slot after the creation time is due",
			expr: "@hourly", since: at(2024, 3, 15, 10, 17, 42), now: at(2024, 3, 15, 11, 0, 1),
			want: schedule.Result{Slot: at(2024, 3, 15, 11, 0, 0), Next: at(2024, 3, 15, 12, 0, 0)},
		},
		{
			name: "several missed slots run only the latest",
			expr: "@hourly", since: at(2024, 3, 15, 10, 0, 0), now: at(2024, 3, 15, 15, 30, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 15, 0, 0), Missed: schedule.MissedSome, MissedCount: 4, Next: at(2024, 3, 15, 16, 0, 0)},
		},
		{
			name: "missed weekday slots do not assume a regular interval",
			expr: "0 9 * * 1-5", since: at(2024, 3, 11, 9, 0, 0), now: at(2024, 3, 18, 8, 0, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 9, 0, 0), Missed: schedule.MissedSome, MissedCount: 3, Next: at(2024, 3, 18, 9, 0, 0)},
		},
		{
			name: "one hundred slots are still some missed",
			expr: "* * * * *", since: at(2024, 3, 15, 0, 0, 0), now: at(2024, 3, 15, 1, 40, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 1, 40, 0), Missed: schedule.MissedSome, MissedCount: 99, Next: at(2024, 3, 15, 1, 41, 0)},
		},
		{
			name: "one hundred and one slots are many missed",
			expr: "* * * * *", since: at(2024, 3, 15, 0, 0, 0), now: at(2024, 3, 15, 1, 41, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 1, 41, 0), Missed: schedule.MissedMany, MissedCount: 100, Next: at(2024, 3, 15, 1, 42, 0)},
		},
		{
			name: "ten years of every-minute slots return only the latest",
			expr: "* * * * *", since: at(2014, 1, 1, 0, 0, 0), now: at(2024, 3, 15, 12, 34, 56),
			want: schedule.Result{Slot: at(2024, 3, 15, 12, 34, 0), Missed: schedule.MissedMany, MissedCount: 100, Next: at(2024, 3, 15, 12, 35, 0)},
		},
		{
			name: "years of irregular slots find the latest on a Friday",
			expr: "30 6-16/4 * * 1-5", since: at(2020, 1, 1, 0, 0, 0), now: at(2024, 3, 16, 12, 0, 0),
			want: schedule.Result{Slot: at(2024, 3, 15, 14, 30, 0), Missed: schedule.MissedMany, MissedCount: 100, Next: at(2024, 3, 18, 6, 30, 0)},
		},
		{
			name: "centuries of yearly slots return this year's",
			expr: "@yearly", since: at(1800, 6, 1, 0, 0, 0), now: at(2125, 6, 1, 0, 0, 0),
			want: schedule.Result{Slot: at(2125, 1, 1, 0, 0, 0), Missed: schedule.MissedMany, MissedCount: 100, Next: at(2126, 1, 1, 0, 0, 0)},
		},
		{
			name: "a leap day slot after an eight year gap is due",
			expr: "0 0 29 2 *", since: at(2096, 2, 29, 0, 0, 0), now: at(2104, 3, 1, 0, 0, 0),
			want: schedule.Result{Slot: at(2104, 2, 29, 0, 0, 0), Next: at(2108, 2, 29, 0, 0, 0)},
		},
		{
			name: "since after now (clock skew) means nothing is due until the slot after since",
			expr: "@hourly", since: at(2024, 3, 15, 12, 0, 0), now: at(2024, 3, 15, 10, 30, 0),
			want: schedule.Result{Next: at(2024, 3, 15, 13, 0, 0)},
		},
		{
			name: "times in other zones are compared as instants",
			expr: "0 3 * * *", since: time.Date(2024, 3, 15, 12, 0, 0, 0, time.FixedZone("UTC+9", 9*60*60)),
			now:  time.Date(2024, 3, 15, 23, 0, 0, 0, time.FixedZone("UTC-5", -5*60*60)),
			want: schedule.Result{Slot: at(2024, 3, 16, 3, 0, 0), Next: at(2024, 3, 17, 3, 0, 0)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schedule.Due(mustParse(t, tt.expr), tt.since, tt.now)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, time.UTC, got.Next.Location())
			if !got.Slot.IsZero() {
				assert.Equal(t, time.UTC, got.Slot.Location())
			}
		})
	}
}

func TestMissedClassString(t *testing.T) {
	tests := []struct {
		name string
		c    schedule.MissedClass
		want string
	}{
		{name: "none", c: schedule.MissedNone, want: "None"},
		{name: "some", c: schedule.MissedSome, want: "Some"},
		{name: "many", c: schedule.MissedMany, want: "Many"},
		{name: "an unknown class shows its number", c: schedule.MissedClass(7), want: "MissedClass(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.c.String())
		})
	}
}
