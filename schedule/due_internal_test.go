package schedule

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingSpec counts the evaluations of the cron schedule it wraps.
type countingSpec struct {
	cron.Schedule
	calls int
}

func (c *countingSpec) Next(t time.Time) time.Time {
	c.calls++
	return c.Schedule.Next(t)
}

func TestDueDoesBoundedWorkForMillionsOfMissedSlots(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		since time.Time
	}{
		{name: "every minute for ten years", expr: "* * * * *", since: time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "every minute since year one", expr: "* * * * *", since: time.Time{}},
		{name: "every minute of one hour a day for ten years", expr: "* 3 * * *", since: time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	now := time.Date(2024, 3, 15, 12, 34, 56, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(tt.expr)
			require.NoError(t, err)
			spec := &countingSpec{Schedule: s.spec}
			s.spec = spec

			got := Due(s, tt.since, now)

			assert.Equal(t, MissedMany, got.Missed)
			assert.False(t, got.Slot.After(now))
			assert.True(t, s.Next(got.Slot).After(now), "the slot is the latest")
			// 101 to count, at most 64 to bisect, a few for Next.
			assert.Less(t, spec.calls, 200)
		})
	}
}
