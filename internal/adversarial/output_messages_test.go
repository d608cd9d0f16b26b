package adversarial_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// bigObject is a shell command that prints one valid JSON object of more
// than 10 MiB.
const bigObject = `printf '{"userContext":{"pad":"'; head -c 10485760 /dev/zero | tr '\0' a; printf '"}}\n'`

// Item 5 of the first-contact issue: what a status update or a tool printed
// that cannot be used is described, through real processes of the local
// driver: a valid 10 MiB object by its size and the limit, text by its
// start, quoted with the secret redacted.
func TestUnusableOutputIsDescribedWithItsSizeOrItsRedactedStart(t *testing.T) {
	const secret = "s3cret-Pa55"
	w := newWorld(t, worldOptions{secrets: local.SecretMap{"tenant/db": {"username": "admin", "password": secret}},
		targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
	w.tool("quiet", `true`)
	w.tool("loud", bigObject)
	w.policy("tenant", "big", "quiet", v1alpha1.BackupStatusUpdate{UpdateStage: v1alpha1.PostBackup, Script: bigObject})
	w.policy("tenant", "text", "quiet", v1alpha1.BackupStatusUpdate{UpdateStage: v1alpha1.PostBackup,
		Script: `echo "connected with $DB_PASSWORD, all fine"; echo more lines`})
	w.policy("tenant", "manifest", "loud")

	big := w.backup("tenant", "b-big", "big", 2*time.Minute)
	require.Equal(t, v1alpha1.BackupFailed, big.Status.Phase)
	assert.Regexp(t, `backupStatusUpdates: status update output is 104857[0-9][0-9] bytes, more than `+strconv.Itoa(64<<10),
		big.Status.FailureReason)

	text := w.backup("tenant", "b-text", "text", time.Minute)
	require.Equal(t, v1alpha1.BackupFailed, text.Status.Phase)
	assert.Contains(t, text.Status.FailureReason,
		`backupStatusUpdates: status update output is not a JSON object: "connected with [REDACTED], all fine\nmore lines" (48 bytes in all)`)
	assert.NotContains(t, text.Status.FailureReason, secret)

	manifest := w.backup("tenant", "b-manifest", "manifest", 2*time.Minute)
	require.Equal(t, v1alpha1.BackupFailed, manifest.Status.Phase)
	assert.Regexp(t, `backup tool output is 104857[0-9][0-9] bytes, more than `+strconv.Itoa(64<<10), manifest.Status.FailureReason)
	assert.NotContains(t, w.eventText(), secret)
}
