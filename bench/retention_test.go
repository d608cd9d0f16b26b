package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dpsdk/dataprotection/retention"
)

func TestRetentionDataHasChainsAndDeletions(t *testing.T) {
	backups, policies := RetentionData(2_000, 100)
	assert.Len(t, backups, 2_000)
	assert.Len(t, policies, 100)
	children := 0
	for _, b := range backups {
		if b.Spec.ParentBackupName != "" {
			children++
		}
	}
	assert.Greater(t, children, 500, "incremental chains")
	plan := retention.Plan(backups, policies, retentionNow)
	assert.Greater(t, len(plan), 50, "history limits and expirations plan part of the history")
	assert.Less(t, len(plan), 1_000, "chains protect their parents")
}
