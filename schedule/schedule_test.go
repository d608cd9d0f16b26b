package schedule_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/schedule"
)

// at returns a UTC instant; tests never read the clock.
func at(year int, month time.Month, day, hour, minute, sec int) time.Time {
	return time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
}

func mustParse(t testing.TB, expr string) *schedule.Schedule {
	t.Helper()
	s, err := schedule.Parse(expr)
	require.NoError(t, err)
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		want    string
		wantErr string
	}{
		{name: "five fields parse", expr: "0 3 * * *", want: "0 3 * * *"},
		{name: "surrounding spaces are dropped", expr: "  */15 * * * 1-5 ", want: "*/15 * * * 1-5"},
		{name: "a descriptor parses", expr: "@daily", want: "@daily"},
		{name: "an empty expression is an error", expr: "", wantErr: "empty"},
		{name: "a time zone is an error", expr: "CRON_TZ=Europe/Paris 0 3 * * *", wantErr: "time zones"},
		{name: "@every is an error", expr: "@every 1h", wantErr: "@every"},
		{name: "an expression that never fires is an error", expr: "0 0 30 2 *", wantErr: "never fires"},
		{name: "six fields are an error", expr: "0 0 3 * * *", wantErr: "invalid cron expression"},
		{name: "four fields are an error", expr: "0 3 * *", wantErr: "invalid cron expression"},
		{name: "an out of range minute is an error", expr: "60 * * * *", wantErr: "invalid cron expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := schedule.Parse(tt.expr)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, s.String())
		})
	}
}

func TestNext(t *testing.T) {
	tokyo := time.FixedZone("UTC+9", 9*60*60)
	tests := []struct {
		name string
		expr string
		t    time.Time
		want time.Time
	}{
		{name: "a daily slot later today", expr: "0 3 * * *", t: at(2024, 3, 15, 1, 0, 0), want: at(2024, 3, 15, 3, 0, 0)},
		{name: "a slot equal to t is not returned", expr: "0 3 * * *", t: at(2024, 3, 15, 3, 0, 0), want: at(2024, 3, 16, 3, 0, 0)},
		{name: "a fraction of a second after a slot skips it", expr: "0 3 * * *", t: at(2024, 3, 15, 3, 0, 0).Add(time.Nanosecond), want: at(2024, 3, 16, 3, 0, 0)},
		{name: "the fields are read in UTC whatever the input's zone", expr: "0 3 * * *", t: time.Date(2024, 3, 15, 13, 0, 0, 0, tokyo), want: at(2024, 3, 16, 3, 0, 0)},
		{name: "@hourly fires at the top of the hour", expr: "@hourly", t: at(2024, 3, 15, 10, 59, 59), want: at(2024, 3, 15, 11, 0, 0)},
		{name: "@daily fires at midnight", expr: "@daily", t: at(2024, 3, 15, 10, 0, 0), want: at(2024, 3, 16, 0, 0, 0)},
		{name: "@midnight is @daily", expr: "@midnight", t: at(2024, 12, 31, 23, 59, 0), want: at(2025, 1, 1, 0, 0, 0)},
		{name: "@weekly fires on Sunday at midnight", expr: "@weekly", t: at(2024, 3, 15, 10, 0, 0), want: at(2024, 3, 17, 0, 0, 0)},
		{name: "@monthly fires on the first", expr: "@monthly", t: at(2024, 2, 29, 10, 0, 0), want: at(2024, 3, 1, 0, 0, 0)},
		{name: "@yearly fires on the first of January", expr: "@yearly", t: at(2024, 3, 15, 10, 0, 0), want: at(2025, 1, 1, 0, 0, 0)},
		{name: "@annually is @yearly", expr: "@annually", t: at(2024, 3, 15, 10, 0, 0), want: at(2025, 1, 1, 0, 0, 0)},
		{name: "a leap day schedule fires four years later", expr: "0 0 29 2 *", t: at(2024, 2, 29, 0, 0, 0), want: at(2028, 2, 29, 0, 0, 0)},
		{name: "a leap day schedule crosses 2100, which is not a leap year", expr: "0 0 29 2 *", t: at(2096, 2, 29, 0, 0, 0), want: at(2104, 2, 29, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, tt.expr).Next(tt.t)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, time.UTC, got.Location())
		})
	}
}

// TestNextIsUTCWhenLocalIsNot changes time.Local, so it must not run in
// parallel with other tests (none in this package do).
func TestNextIsUTCWhenLocalIsNot(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.FixedZone("UTC-5", -5*60*60)

	s := mustParse(t, "30 2 * * *")
	local := time.Date(2024, 3, 15, 20, 0, 0, 0, time.Local) // 2024-03-16 01:00 UTC

	got := s.Next(local)
	assert.Equal(t, at(2024, 3, 16, 2, 30, 0), got)
	assert.Equal(t, time.UTC, got.Location())
}
