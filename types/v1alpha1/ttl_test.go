package v1alpha1_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestParseTTL(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"7d", 7 * 24 * time.Hour, ""},
		{"7D", 7 * 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{"1H", time.Hour, ""},
		{"", 0, "invalid ttl"},
		{"0h", 0, "positive"},
		{"7", 0, "invalid ttl"},
		{"d", 0, "invalid ttl"},
		{"7dd", 0, "invalid ttl"},
		{"7|", 0, "invalid ttl"},
		{"-1d", 0, "invalid ttl"},
		{"1.5d", 0, "invalid ttl"},
		{" 7d", 0, "invalid ttl"},
		{"7m", 0, "invalid ttl"},
		{"99999999999999999999d", 0, "too long"},
		{"000d", 0, "positive"},
		{"9999999d", 0, "too long"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := v1alpha1.ParseTTL(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.Zero(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func FuzzParseTTL(f *testing.F) {
	for _, s := range []string{"7d", "1H", "0d", "7|", "", "12345678901234567890h", "99999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := v1alpha1.ParseTTL(s)
		if err != nil {
			require.Zero(t, d, "an invalid ttl is never read as a duration")
			if strings.Contains(err.Error(), "positive") {
				require.Empty(t, strings.Trim(s[:len(s)-1], "0"), "only a zero is reported as not positive: %v", err)
			}
			return
		}
		require.Positive(t, d)
		require.Zero(t, d%time.Hour)
	})
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"0 3 * * *", "@daily", "*/5 * * * *", "0 0 30 2 *", "TZ=UTC 0 0 * * *", "@every 1h", "1-2/0 * * * *", "60 * * * *"} {
		f.Add(s)
	}
	ref := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		sched, err := v1alpha1.ParseCron(s)
		if err != nil {
			require.Nil(t, sched)
			return
		}
		next := sched.Next(ref)
		require.True(t, next.After(ref), "a valid schedule fires after %v", ref)
		require.Equal(t, time.UTC, next.Location())
	})
}
