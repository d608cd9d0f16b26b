package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/policy"
)

func TestTaskIDIsAShortDNSLabel(t *testing.T) {
	tests := []struct {
		name       string
		objectName string
		step       string
		wantPrefix string
	}{
		{name: "a short name is kept whole", objectName: "pg-backup", step: "main", wantPrefix: "pg-backup-"},
		{name: "dots become dashes", objectName: "pg.cluster.backup", step: "main", wantPrefix: "pg-cluster-backup-"},
		{name: "upper case is lowered", objectName: "PG-Backup", step: "pre-0", wantPrefix: "pg-backup-"},
		{name: "a name of 253 characters is cut", objectName: strings.Repeat("a", 253), step: "hook-post",
			wantPrefix: strings.Repeat("a", 10)},
		{name: "a long dotted name is cut without a trailing dash", objectName: strings.Repeat("ab.", 80) + "c", step: "main",
			wantPrefix: "ab-ab-"},
		{name: "an empty name still gives a label", objectName: "", step: "main", wantPrefix: "t-"},
		{name: "a name of dots only still gives a label", objectName: "...", step: "delete", wantPrefix: "t-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := policy.TaskID(tt.objectName, "4b2c6f6e-0d9c-4c1e-9a57-3f2d2a1b0c9d", 12, tt.step)

			assert.LessOrEqual(t, len(got), 63)
			assert.Empty(t, validation.IsDNS1123Label(got), got)
			assert.True(t, strings.HasPrefix(got, tt.wantPrefix), got)
			assert.True(t, strings.HasSuffix(got, "-12-"+tt.step), got)
			assert.NotContains(t, got, "--", "no empty part where the name was cut")
		})
	}
}

func TestTaskIDIsDeterministicAndDistinct(t *testing.T) {
	const uid types.UID = "4b2c6f6e-0d9c-4c1e-9a57-3f2d2a1b0c9d"
	id := policy.TaskID("pg-backup", uid, 0, "main")

	assert.Equal(t, "pg-backup-75abe5a8-0-main", id, "the scheme is stable across releases: running tasks are adopted by ID")
	assert.Equal(t, id, policy.TaskID("pg-backup", uid, 0, "main"), "the same inputs give the same ID")
	others := map[string]string{
		"another attempt": policy.TaskID("pg-backup", uid, 1, "main"),
		"another step":    policy.TaskID("pg-backup", uid, 0, "post-0"),
		"another uid":     policy.TaskID("pg-backup", "5b2c6f6e-0d9c-4c1e-9a57-3f2d2a1b0c9d", 0, "main"),
		"another name":    policy.TaskID("pg-backup-2", uid, 0, "main"),
	}
	for what, other := range others {
		assert.NotEqual(t, id, other, what)
	}
	long := strings.Repeat("x", 100)
	assert.NotEqual(t, policy.TaskID(long+"a", "uid-a", 0, "main"), policy.TaskID(long+"b", "uid-b", 0, "main"),
		"names that differ only after the cut differ by UID")
}
