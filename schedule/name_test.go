package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/schedule"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// requireLabel fails unless name is a DNS-1123 label of at most 63 characters.
func requireLabel(t testing.TB, name string) {
	t.Helper()
	require.Empty(t, validation.IsDNS1123Label(name), "%q is not a DNS-1123 label", name)
	require.LessOrEqual(t, len(name), 63)
}

func TestBackupName(t *testing.T) {
	slot := at(2024, 1, 2, 3, 4, 5)
	long := strings.Repeat("a", 30) + "-" + strings.Repeat("b", 40)
	tests := []struct {
		name   string
		policy string
		typ    v1alpha1.BackupType
		slot   time.Time
		want   string
	}{
		{name: "a short policy keeps its name", policy: "pg-daily", typ: v1alpha1.BackupTypeDataFile, slot: slot, want: "pg-daily-datafile-20240102030405"},
		{name: "the slot is written in UTC", policy: "pg", typ: v1alpha1.BackupTypeSnapshot, slot: slot.In(time.FixedZone("UTC+9", 9*60*60)), want: "pg-snapshot-20240102030405"},
		{name: "a name of exactly 63 characters is kept", policy: strings.Repeat("p", 39), typ: v1alpha1.BackupTypeDataFile, slot: slot, want: strings.Repeat("p", 39) + "-datafile-20240102030405"},
		{name: "a policy one character too long is shortened with a hash", policy: strings.Repeat("p", 40), typ: v1alpha1.BackupTypeDataFile, slot: slot, want: strings.Repeat("p", 30) + "-51dd12fa-datafile-20240102030405"},
		{name: "a long policy is cut at a '-' without doubling it", policy: long, typ: v1alpha1.BackupTypeLogFile, slot: slot, want: strings.Repeat("a", 30) + "-41fbb6dd-logfile-20240102030405"},
		{name: "a dotted policy is mapped to a label with a hash", policy: "pg.prod", typ: v1alpha1.BackupTypeDataFile, slot: slot, want: "pg-prod-729c4ce5-datafile-20240102030405"},
		{name: "a policy ending in '.' after the cut loses it", policy: strings.Repeat("x", 29) + "." + strings.Repeat("y", 40), typ: v1alpha1.BackupTypeDataFile, slot: slot, want: strings.Repeat("x", 29) + "-72638a46-datafile-20240102030405"},
		{name: "an empty policy is a hash", policy: "", typ: v1alpha1.BackupTypeDataFile, slot: slot, want: "e3b0c442-datafile-20240102030405"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schedule.BackupName(tt.policy, tt.typ, tt.slot)
			assert.Equal(t, tt.want, got)
			requireLabel(t, got)
		})
	}
}

func TestBackupNameIsDeterministicAndValidForLongNames(t *testing.T) {
	slot := at(2024, 1, 2, 3, 4, 5)
	policy := strings.Repeat("very-long-policy.", 14) + "end" // a 241-character DNS subdomain
	for _, typ := range v1alpha1.BackupTypes {
		first := schedule.BackupName(policy, typ, slot)
		requireLabel(t, first)
		assert.True(t, strings.HasSuffix(first, "-"+string(typ)+"-20240102030405"), first)
		assert.Equal(t, first, schedule.BackupName(policy, typ, slot))
	}
}

func TestBackupNameIsDistinct(t *testing.T) {
	slot := at(2024, 1, 2, 3, 4, 5)
	prefix := strings.Repeat("shared-prefix-", 5)
	tests := []struct {
		name string
		a, b string
	}{
		{
			name: "long policies that share their kept prefix",
			a:    schedule.BackupName(prefix+"alpha", v1alpha1.BackupTypeDataFile, slot),
			b:    schedule.BackupName(prefix+"beta", v1alpha1.BackupTypeDataFile, slot),
		},
		{
			name: "a dotted policy and its dashed twin",
			a:    schedule.BackupName("pg.prod", v1alpha1.BackupTypeDataFile, slot),
			b:    schedule.BackupName("pg-prod", v1alpha1.BackupTypeDataFile, slot),
		},
		{
			name: "two types of one long policy",
			a:    schedule.BackupName(prefix+"alpha", v1alpha1.BackupTypeDataFile, slot),
			b:    schedule.BackupName(prefix+"alpha", v1alpha1.BackupTypeSnapshot, slot),
		},
		{
			name: "two slots one second apart",
			a:    schedule.BackupName(prefix+"alpha", v1alpha1.BackupTypeDataFile, slot),
			b:    schedule.BackupName(prefix+"alpha", v1alpha1.BackupTypeDataFile, slot.Add(time.Second)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireLabel(t, tt.a)
			requireLabel(t, tt.b)
			assert.NotEqual(t, tt.a, tt.b)
		})
	}
}
