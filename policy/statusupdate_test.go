package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// at returns a time on 2026-11-25, UTC.
func at(h, m, s, nsec int) *metav1.Time {
	t := metav1.NewTime(time.Date(2026, 11, 25, h, m, s, nsec, time.UTC))
	return &t
}

// inProgress is the status of a running backup, as the engine wrote it.
func inProgress() *v1alpha1.BackupStatus {
	return &v1alpha1.BackupStatus{
		Phase:                     v1alpha1.BackupInProgress,
		StartTimestamp:            at(1, 30, 2, 0),
		Expiration:                at(1, 30, 2, 0),
		PersistentVolumeClaimName: "backup-data",
		BackupToolName:            toolName,
		Manifests: &v1alpha1.ManifestsStatus{
			BackupLog:   &v1alpha1.BackupLogStatus{StartTime: at(1, 0, 0, 0)},
			BackupTool:  &v1alpha1.BackupToolManifestsStatus{FilePath: "/backupdata/demo/b1"},
			UserContext: map[string]string{"a": "1"},
		},
	}
}

func TestApplyStatusUpdateMerges(t *testing.T) {
	tests := []struct {
		name   string
		status func() *v1alpha1.BackupStatus
		path   string
		output string
		want   func(s *v1alpha1.BackupStatus)
	}{
		{
			name:   "at a path, keeping the fields the output leaves out",
			path:   "manifests.backupLog",
			output: `{"stopTime":"2026-11-25T01:31:10Z"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.Manifests.BackupLog.StopTime = at(1, 31, 10, 0) },
		},
		{
			name:   "creating the objects on the path",
			status: func() *v1alpha1.BackupStatus { return &v1alpha1.BackupStatus{Phase: v1alpha1.BackupInProgress} },
			path:   "manifests.backupTool",
			output: `{"CheckPoint":"0/3000028","checkSum":"sha256:00"}`,
			want: func(s *v1alpha1.BackupStatus) {
				s.Manifests = &v1alpha1.ManifestsStatus{BackupTool: &v1alpha1.BackupToolManifestsStatus{
					CheckPoint: "0/3000028", CheckSum: "sha256:00"}}
			},
		},
		{
			name:   "into status itself when the path is empty",
			output: `{"totalSize":"1Gi"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.TotalSize = "1Gi" },
		},
		{
			name:   "objects recursively",
			path:   "manifests",
			output: `{"userContext":{"b":"2"},"target":"{\"name\":\"pg-0\"}"}`,
			want: func(s *v1alpha1.BackupStatus) {
				s.Manifests.UserContext["b"] = "2"
				s.Manifests.Target = `{"name":"pg-0"}`
			},
		},
		{
			name:   "replacing a value",
			path:   "manifests.backupLog",
			output: `{"startTime":"2026-11-25T00:59:00Z"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.Manifests.BackupLog.StartTime = at(0, 59, 0, 0) },
		},
		{
			name:   "null clearing a field",
			path:   "manifests",
			output: `{"userContext":null}`,
			want:   func(s *v1alpha1.BackupStatus) { s.Manifests.UserContext = nil },
		},
		{
			name:   "an empty object changing nothing",
			path:   "manifests.userContext",
			output: "  {}\n",
			want:   func(*v1alpha1.BackupStatus) {},
		},
		{
			name: "the fields that say where the data is are the engine's: an update's values are ignored",
			output: `{"persistentVolumeClaimName":"victim-claim","backupToolName":"other-tool","totalSize":"1Gi",` +
				`"manifests":{"backupTool":{"filePath":"/backupdata/victim/b1","CheckPoint":"0/5"},` +
				`"backupSnapshot":{"volumeSnapshotName":"victim-b1"}}}`,
			want: func(s *v1alpha1.BackupStatus) {
				s.TotalSize = "1Gi"
				s.Manifests.BackupTool.CheckPoint = "0/5"
			},
		},
		{
			name:   "the phase the backup already has",
			output: `{"phase":"InProgress","totalSize":"2Gi"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.TotalSize = "2Gi" },
		},
		{
			name:   "times to the second, as the API stores them",
			path:   "manifests.backupLog",
			output: `{"stopTime":"2026-11-25T01:31:10.75Z"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.Manifests.BackupLog.StopTime = at(1, 31, 10, 0) },
		},
		{
			name: "keeping the precise times of the engine it does not write",
			status: func() *v1alpha1.BackupStatus {
				s := inProgress()
				s.StartTimestamp, s.Expiration = at(1, 30, 2, 123456789), at(1, 30, 2, 987654321)
				s.Manifests.BackupLog.StartTime = at(1, 0, 0, 5)
				return s
			},
			path:   "manifests.backupTool",
			output: `{"CheckPoint":"0/1"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.Manifests.BackupTool.CheckPoint = "0/1" },
		},
		{
			name: "a zero start time is not written",
			status: func() *v1alpha1.BackupStatus {
				s := inProgress()
				s.StartTimestamp = &metav1.Time{}
				return s
			},
			output: `{"totalSize":"1Gi"}`,
			want:   func(s *v1alpha1.BackupStatus) { s.TotalSize = "1Gi" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newStatus := inProgress
			if tt.status != nil {
				newStatus = tt.status
			}
			status, want := newStatus(), newStatus()
			tt.want(want)

			err := policy.ApplyStatusUpdate(status, tt.path, []byte(tt.output))

			require.NoError(t, err)
			assertSameStatus(t, want, status)
		})
	}
}

// assertSameStatus compares statuses, times by instant (a decoded time is
// in the local zone).
func assertSameStatus(t *testing.T, want, got *v1alpha1.BackupStatus) {
	t.Helper()
	for _, p := range [][2]*metav1.Time{
		{want.StartTimestamp, got.StartTimestamp}, {want.Expiration, got.Expiration},
		{want.CompletionTimestamp, got.CompletionTimestamp},
		{backupLogTime(want, false), backupLogTime(got, false)}, {backupLogTime(want, true), backupLogTime(got, true)},
	} {
		if p[0] == nil || p[1] == nil {
			assert.Equal(t, p[0] == nil, p[1] == nil, "%v and %v", p[0], p[1])
			continue
		}
		assert.True(t, p[0].Time.Equal(p[1].Time), "want %s, got %s", p[0].Format(time.RFC3339Nano), p[1].Format(time.RFC3339Nano))
	}
	strip := func(s *v1alpha1.BackupStatus) *v1alpha1.BackupStatus {
		c := s.DeepCopy()
		c.StartTimestamp, c.Expiration, c.CompletionTimestamp = nil, nil, nil
		if c.Manifests != nil && c.Manifests.BackupLog != nil {
			c.Manifests.BackupLog = &v1alpha1.BackupLogStatus{}
		}
		return c
	}
	assert.Equal(t, strip(want), strip(got))
}

func backupLogTime(s *v1alpha1.BackupStatus, stop bool) *metav1.Time {
	if s.Manifests == nil || s.Manifests.BackupLog == nil {
		return nil
	}
	if stop {
		return s.Manifests.BackupLog.StopTime
	}
	return s.Manifests.BackupLog.StartTime
}

func TestApplyStatusUpdateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		output string
		want   string
	}{
		{name: "a field BackupStatus does not have", path: "manifests.backupTool", output: `{"size":"1Gi"}`,
			want: `status update at "status.manifests.backupTool": unknown field "manifests.backupTool.size"`},
		{name: "a field in the wrong case", path: "manifests.backupTool", output: `{"checkpoint":"0/1"}`,
			want: `unknown field "manifests.backupTool.checkpoint"`},
		{name: "a path BackupStatus does not have", path: "manifests.extra", output: `{"a":"b"}`,
			want: `unknown field "manifests.extra"`},
		{name: "a value of the wrong type", output: `{"totalSize":5}`, want: `status update at "status"`},
		{name: "a time that is not RFC 3339", path: "manifests.backupLog", output: `{"stopTime":"yesterday"}`,
			want: `status update at "status.manifests.backupLog"`},
		{name: "output that is not JSON", output: `stopTime=now`, want: `status update output is not a JSON object: "stopTime=now"`},
		{name: "an array", output: `[{"totalSize":"1Gi"}]`, want: "not a JSON object"},
		{name: "a string", output: `"1Gi"`, want: "not a JSON object"},
		{name: "null", output: `null`, want: "not a JSON object"},
		{name: "no output", output: ``, want: "not a JSON object"},
		{name: "two objects", output: `{}{}`, want: "not a JSON object"},
		{name: "a path through a value that is not an object", path: "manifests.backupTool.filePath.dir", output: `{}`,
			want: `status update path "manifests.backupTool.filePath.dir": "filePath" is not an object`},
		{name: "a path through a field not set, of a type that is not an object", path: "totalSize.unit", output: `{}`,
			want: `status update at "status.totalSize.unit"`},
		{name: "a path to a value that is not an object", path: "backupToolName", output: `{}`,
			want: `"backupToolName" is not an object`},
		{name: "writing the phase", output: `{"phase":"Completed"}`, want: "status update may not write phase"},
		{name: "writing the start time", output: `{"startTimestamp":"2026-11-25T01:00:00Z"}`,
			want: "status update may not write startTimestamp or completionTimestamp"},
		{name: "clearing the start time", output: `{"startTimestamp":null}`,
			want: "status update may not write startTimestamp or completionTimestamp"},
		{name: "writing the completion time", output: `{"completionTimestamp":"2026-11-25T01:31:10Z"}`,
			want: "status update may not write startTimestamp or completionTimestamp"},
		{name: "writing the failure reason", output: `{"failureReason":"none"}`, want: "status update may not write failureReason"},
		{name: "output larger than 64KiB", path: "manifests", output: `{"target":"` + strings.Repeat("x", 64<<10) + `"}`,
			want: "bytes, more than 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := inProgress()
			status.StartTimestamp = at(1, 30, 2, 123456789)
			before := status.DeepCopy()

			err := policy.ApplyStatusUpdate(status, tt.path, []byte(tt.output))

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, before, status, "status is unchanged")
		})
	}
}
