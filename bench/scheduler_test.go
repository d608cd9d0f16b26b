package bench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSchedulerFiresEverySlotOnTheCompressedClock(t *testing.T) {
	res, err := Scheduler(context.Background(), SchedulerOptions{Policies: 60, PerNamespace: 20, Minutes: 3})
	require.NoError(t, err)
	assert.Equal(t, 180, res.Schedules)
	assert.Equal(t, 9, res.Fires, "three minutes of 60 policies × 3 hourly schedules spread over the hour")
	assert.Positive(t, res.Lag.Max)
	assert.Positive(t, res.CPU)
	assert.Positive(t, res.Held.RSS)
	t.Logf("%+v", res)
}

func TestRobfigCronFiresItsEntries(t *testing.T) {
	res, err := RobfigCron(context.Background(), CronOptions{Policies: 600, Window: 1500 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 1800, res.Entries)
	assert.GreaterOrEqual(t, res.Fires, 30, "30 entries a second")
	assert.Less(t, res.Lag.Max, 1.0)
	t.Logf("%+v", res)
}

func TestLastSecond(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 5, 300, time.UTC)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC), lastSecond(now, 5))
	assert.Equal(t, time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), lastSecond(now, 59))
}
