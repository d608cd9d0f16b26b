package executor_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// located is a driver that says where its tasks' logs and data are.
type located struct{ *memdriver.Driver }

func (located) Logs(context.Context, string) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("")), nil
}

func (located) LogLocation(t *drivers.Task) string { return "log://" + t.ID }

func (located) DataLocation(t *drivers.Task) string {
	if t.Storage == nil {
		return ""
	}
	return "/disk/" + t.Storage.ClaimName + "/" + t.Storage.Path
}

func TestBackupsAndRestoreJobsRecordTheirTasksLogsAndData(t *testing.T) {
	failFirst := func(tk *drivers.Task) memdriver.Outcome {
		if strings.HasSuffix(tk.ID, "-0-main") {
			return memdriver.Outcome{Fail: true, Message: "boom"}
		}
		return memdriver.Outcome{TotalSize: 2048}
	}
	h := newHarness(t, failFirst)
	d := located{h.driver}
	cfg := h.config()
	cfg.Drivers = drivers.Registry{"job": d, "daemon": d, "snapshot": d}
	h.ex = newEngine(cfg)
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 1 }))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 30, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)

	recs := executor.TaskRecords(b)
	require.Len(t, recs, 2, "both runs: %s", b.Annotations[v1alpha1.AnnotationTasks])
	assert.True(t, strings.HasSuffix(recs[0].ID, "-0-main") && strings.HasSuffix(recs[1].ID, "-1-main"), "%v", recs)
	assert.Equal(t, executor.TaskRecord{ID: recs[1].ID, Driver: "job", Log: "log://" + recs[1].ID}, recs[1])
	assert.Equal(t, "/disk/backup-data/demo/b1", b.Annotations[v1alpha1.AnnotationDataPath])
	assert.Equal(t, "2048", b.Status.TotalSize, "totalSize is in bytes")

	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b1"))
	require.NoError(t, err)
	r := h.runRestore("r1", 30)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	rrecs := executor.TaskRecords(r)
	require.Len(t, rrecs, 2, "the physical and the logical restore")
	assert.Equal(t, "log://"+rrecs[0].ID, rrecs[0].Log)
}

func TestTaskRecordsAreBoundedAndSurviveGarbage(t *testing.T) {
	h := newHarness(t, func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Fail: true, Message: "boom"} })
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 40 }))
	b := backup("b1", v1alpha1.BackupTypeDataFile)
	b.Annotations = map[string]string{v1alpha1.AnnotationTasks: "not json"}
	h.create(b)
	b = h.runBackup("b1", 400, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	recs := executor.TaskRecords(b)
	require.Len(t, recs, v1alpha1.MaxRecordedTasks)
	assert.True(t, strings.HasSuffix(recs[len(recs)-1].ID, "-40-main"), "the latest are kept: %v", recs[len(recs)-1])
}
