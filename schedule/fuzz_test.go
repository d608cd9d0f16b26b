package schedule_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/schedule"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// fuzzEpoch and fuzzYears bound the instants FuzzParse tries: five centuries
// from 1900, where the cron search and time.Time are well defined.
var fuzzEpoch = at(1900, 1, 1, 0, 0, 0)

const fuzzYears = 500

// fuzzInstant maps any integer to an instant in [fuzzEpoch, fuzzEpoch+fuzzYears).
func fuzzInstant(seconds int64) time.Time {
	span := int64(fuzzYears * 365 * 24 * 60 * 60)
	seconds %= span
	if seconds < 0 {
		seconds += span
	}
	return fuzzEpoch.Add(time.Duration(seconds) * time.Second)
}

func FuzzParse(f *testing.F) {
	f.Add("0 3 * * *", int64(3_900_000_000), int64(86_400))
	f.Add("@hourly", int64(0), int64(-3_600))
	f.Add("* * * * *", int64(3_500_000_000), int64(315_360_000))
	f.Add("30 6-16/4 * * 1-5", int64(3_800_000_000), int64(30_000_000))
	f.Add("0 0 29 2 *", int64(6_250_000_000), int64(260_000_000))
	f.Add("0 0 30 2 *", int64(0), int64(0))
	f.Add("TZ=UTC 0 * * * *", int64(0), int64(0))
	f.Add("@every 1m", int64(0), int64(0))
	f.Add("*/0 * * * *", int64(0), int64(0))
	f.Add("0-59/70 1,2,3 L W ?", int64(0), int64(0))
	f.Fuzz(func(t *testing.T, expr string, sinceSeconds, elapsedSeconds int64) {
		s, err := schedule.Parse(expr)
		if err != nil {
			return
		}
		_, err = schedule.Parse(s.String())
		require.NoError(t, err, "String must parse again")

		since := fuzzInstant(sinceSeconds)
		next := s.Next(since)
		require.False(t, next.IsZero(), "a parsed schedule fires after %v", since)
		require.True(t, next.After(since))
		require.Equal(t, time.UTC, next.Location())

		now := since.Add(time.Duration(elapsedSeconds%(200*365*24*60*60)) * time.Second)
		checkDue(t, s, since, now)
	})
}

// checkDue checks the invariants of Due(s, since, now).
func checkDue(t *testing.T, s *schedule.Schedule, since, now time.Time) {
	r := schedule.Due(s, since, now)
	later := since
	if now.After(later) {
		later = now
	}
	require.Equal(t, s.Next(later), r.Next)
	if r.Slot.IsZero() {
		require.True(t, since.After(now) || s.Next(since).After(now), "a slot was due")
		require.Equal(t, schedule.MissedNone, r.Missed)
		require.Zero(t, r.MissedCount)
		return
	}
	require.Equal(t, time.UTC, r.Slot.Location())
	require.True(t, r.Slot.After(since) && !r.Slot.After(now), "slot %v outside (%v, %v]", r.Slot, since, now)
	require.True(t, s.Next(r.Slot).After(now), "slot %v is not the latest before %v", r.Slot, now)
	n := countSlots(s, since, now, 101)
	require.Equal(t, n-1, r.MissedCount)
	require.Equal(t, n > 100, r.Missed == schedule.MissedMany)
	require.Equal(t, n > 1 && n <= 100, r.Missed == schedule.MissedSome)
}

// countSlots counts the slots in (since, now] one by one, up to limit.
func countSlots(s *schedule.Schedule, since, now time.Time, limit int) int {
	n := 0
	for t := s.Next(since); n < limit && !t.After(now); t = s.Next(t) {
		n++
	}
	return n
}

func FuzzBackupName(f *testing.F) {
	f.Add("pg-daily", "datafile", int64(1_704_164_645), int64(0))
	f.Add("pg.prod.eu-west-1", "snapshot", int64(1_704_164_645), int64(999_999_999))
	f.Add("a-very-long-policy-name-that-goes-on-and-on-and-on-and-on-and-on", "logfile", int64(0), int64(0))
	f.Add("", "", int64(-62_135_596_800), int64(0))
	f.Add("-Ünïcode_.-", "DataFile", int64(253_402_300_800), int64(-1))
	f.Fuzz(func(t *testing.T, policy, typ string, seconds, nanos int64) {
		slot := time.Unix(seconds, nanos)
		name := schedule.BackupName(policy, v1alpha1.BackupType(typ), slot)
		requireLabel(t, name)
		require.Equal(t, name, schedule.BackupName(policy, v1alpha1.BackupType(typ), slot.In(time.FixedZone("X", 3600))))
		// A hashed part ends in hex digits, so it never equals a kept
		// part ending in 'x': the two names differ.
		require.NotEqual(t, name, schedule.BackupName(policy+"x", v1alpha1.BackupType(typ), slot))
	})
}
