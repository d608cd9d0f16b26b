package policy_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// FuzzApplyStatusUpdate checks, for any path and script output, that
// ApplyStatusUpdate never panics; that on error the status is unchanged;
// and that on success the engine's fields are unchanged and the result
// encodes and decodes to itself, so what the store keeps is what the engine
// holds.
func FuzzApplyStatusUpdate(f *testing.F) {
	seeds := []struct{ path, output string }{
		{"manifests.backupLog", `{"stopTime":"2026-11-25T01:31:10Z"}`},
		{"manifests.backupLog", `{"startTime":"2026-11-25T01:30:02.999999999+01:00"}`},
		{"manifests.backupTool", `{"CheckPoint":"0/3000028","checkSum":"sha256:9f86","uploadTotalSize":"900Mi"}`},
		{"manifests", `{"userContext":{"walStart":"000000010000000000000003"},"target":"{}"}`},
		{"manifests.userContext", `{"k":"v"}`},
		{"manifests.backupSnapshot", `{"volumeSnapshotName":"s","volumeSnapshotContentName":"c"}`},
		{"", `{"totalSize":"1Gi","duration":"1m8.5s"}`},
		{"", `{"expiration":"0001-01-01T00:00:00Z"}`},
		{"", `{"expiration":null,"manifests":null}`},
		{"", `{"phase":"Completed"}`},
		{"", `{"startTimestamp":"2026-11-25T01:30:02.5Z"}`},
		{"", `{"failureReason":""}`},
		{"backupToolName", `{}`},
		{"a.b.c", `{"d":{}}`},
		{"manifests..x", `{}`},
		{"", `[]`},
		{"", `null`},
		{"", `{"totalSize":1}`},
		{"", `{"duration":"9999999999h"}`},
	}
	for _, s := range seeds {
		f.Add(s.path, []byte(s.output))
	}
	f.Fuzz(func(t *testing.T, path string, output []byte) {
		status := inProgress()
		before := status.DeepCopy()

		err := policy.ApplyStatusUpdate(status, path, output)

		if err != nil {
			require.Equal(t, before, status, "status is unchanged on error")
			return
		}
		require.Equal(t, before.Phase, status.Phase)
		require.Equal(t, before.FailureReason, status.FailureReason)
		require.Equal(t, before.StartTimestamp, status.StartTimestamp)
		require.Equal(t, before.CompletionTimestamp, status.CompletionTimestamp)
		data, err := json.Marshal(status)
		require.NoError(t, err)
		var again v1alpha1.BackupStatus
		require.NoError(t, json.Unmarshal(data, &again))
		require.True(t, equality.Semantic.DeepEqual(status, &again), "%s decodes to %+v, not %+v", data, again, *status)
	})
}
