package v1alpha1_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestParseTTL(t *testing.T) {
	cases := []struct {
		in      string
		want    time.Duration
		err     string
		ignored bool // upstream accepted it: retention off, not invalid
	}{
		{"7d", 7 * 24 * time.Hour, "", false},
		{"7D", 7 * 24 * time.Hour, "", false},
		{"36h", 36 * time.Hour, "", false},
		{"1H", time.Hour, "", false},
		{"", 0, "invalid ttl", false},
		{"0h", 0, "positive", true},
		{"0d", 0, "positive", true},
		{"7", 0, "invalid ttl", false},
		{"d", 0, "invalid ttl", false},
		{"d7", 0, "invalid ttl", false},
		{"7x", 0, "invalid ttl", false},
		{"7dd", 0, "invalid ttl", false},
		{"7|", 0, "invalid ttl", true},
		{"|", 0, "invalid ttl", false},
		{"7|d", 0, "invalid ttl", false},
		{"-1d", 0, "invalid ttl", false},
		{"1.5d", 0, "invalid ttl", false},
		{" 7d", 0, "invalid ttl", false},
		{"7m", 0, "invalid ttl", false},
		{"99999999999999999999d", 0, "too long", true},
		{"000d", 0, "positive", true},
		{"9999999d", 0, "too long", true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := v1alpha1.ParseTTL(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				require.Zero(t, got)
				require.Equal(t, tc.ignored, errors.Is(err, v1alpha1.ErrTTLIgnored), "%v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// upstreamAccepted is KubeBlocks v0.5's CRD pattern for ttl, written out
// without a regexp: digits, then one of d | D h H.
func upstreamAccepted(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("d|DhH", rune(s[len(s)-1])) {
		return false
	}
	return strings.Trim(s[:len(s)-1], "0123456789") == ""
}

func FuzzParseTTL(f *testing.F) {
	for _, s := range []string{"7d", "1H", "0d", "7|", "", "12345678901234567890h", "99999999999999999999d", "7x", "d7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := v1alpha1.ParseTTL(s)
		if err != nil {
			require.Zero(t, d, "an invalid ttl is never read as a duration")
			if strings.Contains(err.Error(), "positive") {
				require.Empty(t, strings.Trim(s[:len(s)-1], "0"), "only a zero is reported as not positive: %v", err)
			}
			require.Equal(t, upstreamAccepted(s), errors.Is(err, v1alpha1.ErrTTLIgnored),
				"a ttl upstream accepted turns retention off, any other is invalid: %v", err)
			return
		}
		require.True(t, upstreamAccepted(s), "every valid ttl is one upstream accepted")
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
