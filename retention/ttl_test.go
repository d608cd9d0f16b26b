package retention_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

func withTTL(ttl *string) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{Spec: v1alpha1.BackupPolicySpec{Retention: &v1alpha1.RetentionSpec{TTL: ttl}}}
}

func str(s string) *string { return &s }

func TestTTL(t *testing.T) {
	tests := []struct {
		name    string
		policy  *v1alpha1.BackupPolicy
		want    time.Duration
		wantOK  bool
		wantErr string
	}{
		{name: "days are 24 hours", policy: withTTL(str("7d")), want: 7 * 24 * time.Hour, wantOK: true},
		{name: "upper-case hours", policy: withTTL(str("36H")), want: 36 * time.Hour, wantOK: true},
		{name: "no retention keeps forever", policy: &v1alpha1.BackupPolicy{}},
		{name: "retention without ttl keeps forever", policy: withTTL(nil)},
		{name: "a nil policy keeps forever", policy: nil},
		{name: "zero keeps forever, never an immediate expiry", policy: withTTL(str("0d"))},
		{name: "zero hours keep forever", policy: withTTL(str("0h"))},
		{name: "the upstream pipe loophole keeps forever", policy: withTTL(str("7|"))},
		{name: "a ttl too long for a duration keeps forever", policy: withTTL(str("99999999999999999999d"))},
		{name: "an empty ttl is an error", policy: withTTL(str("")), wantErr: "spec.retention.ttl: invalid ttl"},
		{name: "minutes are an error", policy: withTTL(str("30m")), wantErr: "invalid ttl"},
		{name: "a unit first is an error", policy: withTTL(str("d7")), wantErr: "invalid ttl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := retention.TTL(tt.policy)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.False(t, ok)
				assert.Zero(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExpiration(t *testing.T) {
	tests := []struct {
		name   string
		backup v1alpha1.Backup
		want   time.Time
	}{
		{name: "from the start time", backup: backup("b", started(2*time.Hour)), want: now.Add(-2*time.Hour + 24*time.Hour)},
		{name: "from the creation time before the backup starts", backup: backup("b", unstarted(3*time.Hour)), want: now.Add(-3*time.Hour + 24*time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := retention.Expiration(&tt.backup, 24*time.Hour)
			assert.Equal(t, metav1.NewTime(tt.want), got)
		})
	}
}
