package csi_test

import (
	"context"
	"testing"
	"time"

	snapshotfake "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned/fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// hookDriver is a driver for hook tests, which need no API server: hooks run
// through a fake executor; fake clientsets keep their records and answer
// the lookups of tasks the driver does not know in memory.
func hookDriver(opts csi.Options) *csi.Driver {
	opts.DirectReads = true // fake clientsets: nothing to watch
	d, err := csi.New(kubefake.NewClientset(), snapshotfake.NewSimpleClientset(), opts)
	if err != nil {
		panic(err) // the clients are never nil
	}
	return d
}

func hookTask(id string, kind drivers.TaskKind, commands ...string) *drivers.Task {
	return &drivers.Task{
		ID: id, Kind: kind, BackupType: v1alpha1.BackupTypeSnapshot,
		Owner:     drivers.ObjectRef{Kind: "Backup", Namespace: "demo", Name: "b1", UID: "uid-1"},
		Target:    drivers.Target{Name: "pg-0", Namespace: "demo", Containers: []string{"postgres", "metrics"}},
		Container: "",
		Env:       []corev1.EnvVar{{Name: "DB_HOST", Value: "pg-0"}, {Name: "BACKUP_NAME", Value: "b1"}},
		Steps:     []drivers.Step{{Name: "pre-hook", Commands: commands, Env: []corev1.EnvVar{{Name: "STAGE", Value: "pre"}}}},
	}
}

func TestHooksRunInTheTargetContainerByPodExec(t *testing.T) {
	h := &podexectest.Fake{Result: &csi.ExecResult{Stdout: []byte(`{"lsn":"0/16B3748"}`)}}
	d := hookDriver(csi.Options{PodExec: h})
	ctx := context.Background()

	hook := hookTask("b1-a0-hook-pre", drivers.KindHook, "psql -c 'CHECKPOINT'", "sync")
	require.NoError(t, d.Start(ctx, hook))
	require.NoError(t, d.Start(ctx, hook), "idempotent: the hook runs once")
	st := status(t, d, hook.ID, drivers.Succeeded)
	assert.Nil(t, st.Output, "a hook has no output")
	assert.Equal(t, `{"lsn":"0/16B3748"}`, st.LogTail)

	update := hookTask("b1-a0-post-0", drivers.KindStatusUpdate, "echo json $(OUT)")
	update.Container = "metrics"
	update.Env = append(update.Env, corev1.EnvVar{Name: "DIR", Value: "/backupdata/$(BACKUP_NAME)"},
		corev1.EnvVar{Name: "DB_HOST", Value: "$(DB_HOST).svc"})
	update.Steps[0].Env = []corev1.EnvVar{{Name: "OUT", Value: "$(DIR)/out"}, {Name: "KEEP", Value: "$$(DIR)"}}
	require.NoError(t, d.Start(ctx, update))
	st = status(t, d, update.ID, drivers.Succeeded)
	assert.JSONEq(t, `{"lsn":"0/16B3748"}`, string(st.Output))

	reqs := h.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "demo/pg-0/postgres", reqs[0].Namespace+"/"+reqs[0].Pod+"/"+reqs[0].Container, "no container named: the target's first")
	commands, env, err := podexectest.Decode(reqs[0])
	require.NoError(t, err)
	assert.Equal(t, []string{"psql -c 'CHECKPOINT'", "sync"}, commands)
	assert.Subset(t, env, []string{"DB_HOST=pg-0", "BACKUP_NAME=b1", "__DP_S1_STAGE=pre"})
	assert.Equal(t, "metrics", reqs[1].Container)
	commands, env, err = podexectest.Decode(reqs[1])
	require.NoError(t, err)
	assert.Equal(t, []string{"echo json /backupdata/b1/out"}, commands, "$(VAR) in commands expands with the step's variables")
	assert.Subset(t, env, []string{"DB_HOST=pg-0.svc", "BACKUP_NAME=b1", "DIR=/backupdata/b1",
		"__DP_S1_OUT=/backupdata/b1/out", "__DP_S1_KEEP=$(DIR)"}, "references expanded as the kubelet does")

	require.NoError(t, d.Cleanup(ctx, hook.ID))
	require.NoError(t, d.Cleanup(ctx, hook.ID))
	_, err = d.Status(ctx, hook.ID)
	requireCode(t, drivers.NotFound, err)
}

func TestAFailingHookReportsItsErrorAndCode(t *testing.T) {
	h := &podexectest.Fake{Err: drivers.Errorf(drivers.PermissionDenied, "exec: forbidden")}
	d := hookDriver(csi.Options{PodExec: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "fsfreeze -f /data")
	require.NoError(t, d.Start(context.Background(), task))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.PermissionDenied, st.ErrorCode)
	assert.Contains(t, st.Message, "exec: forbidden")

	exited := &podexectest.Fake{Result: &csi.ExecResult{ExitCode: 1,
		Stderr: []byte("ERROR: could not freeze\ndataprotection: step 1 (\"pre-hook\") command 1 failed with exit status 1\n")}}
	d = hookDriver(csi.Options{PodExec: exited})
	require.NoError(t, d.Start(context.Background(), task))
	st = status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.Unknown, st.ErrorCode)
	assert.Equal(t, `step 1 ("pre-hook") command 1 failed with exit status 1`, st.Message, "which command failed")
	assert.Contains(t, st.LogTail, "ERROR: could not freeze")
}

func TestCancelStopsARunningHook(t *testing.T) {
	h := &podexectest.Fake{Result: &csi.ExecResult{}, Block: make(chan struct{})}
	d := hookDriver(csi.Options{PodExec: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "sleep 3600")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	status(t, d, task.ID, drivers.Running)
	require.NoError(t, d.Cancel(ctx, task.ID))
	assert.Equal(t, drivers.Canceled, status(t, d, task.ID, drivers.Failed).ErrorCode)
	require.NoError(t, d.Cancel(ctx, task.ID))
	require.NoError(t, d.Cleanup(ctx, task.ID))
}

func TestAHookPastItsDeadlineFails(t *testing.T) {
	h := &podexectest.Fake{Result: &csi.ExecResult{}, Block: make(chan struct{})}
	d := hookDriver(csi.Options{PodExec: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "sleep 3600")
	task.Deadline = time.Now().Add(50 * time.Millisecond)
	require.NoError(t, d.Start(context.Background(), task))
	assert.Equal(t, drivers.DeadlineExceeded, status(t, d, task.ID, drivers.Failed).ErrorCode)
}

func TestAPanickingExecutorIsAnInternalError(t *testing.T) {
	d := hookDriver(csi.Options{PodExec: panicky{}})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "x")
	require.NoError(t, d.Start(context.Background(), task))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.Internal, st.ErrorCode)
}

type panicky struct{}

func (panicky) Exec(context.Context, *csi.ExecRequest) (*csi.ExecResult, error) { panic("boom") }

func TestCapabilitiesListHooksOnlyWithARunner(t *testing.T) {
	ctx := context.Background()
	snapshot := []v1alpha1.BackupType{v1alpha1.BackupTypeSnapshot}
	caps, err := hookDriver(csi.Options{}).Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts},
		BackupTypes: snapshot}, caps)
	caps, err = hookDriver(csi.Options{PodExec: &podexectest.Fake{}}).Capabilities(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, drivers.TaskKinds, caps.Kinds)
	assert.Equal(t, snapshot, caps.BackupTypes)
	assert.False(t, caps.Supports(drivers.KindBackup, v1alpha1.BackupTypeDataFile))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = hookDriver(csi.Options{}).Capabilities(cancelled)
	requireCode(t, drivers.Canceled, err)
	requireCode(t, drivers.Canceled, hookDriver(csi.Options{}).Start(cancelled, hookTask("x", drivers.KindHook, "true")))
}

func TestNewRefusesNilClients(t *testing.T) {
	for name, d := range map[string]func() (*csi.Driver, error){
		"kube":     func() (*csi.Driver, error) { return csi.New(nil, snapshotfake.NewSimpleClientset(), csi.Options{}) },
		"snapshot": func() (*csi.Driver, error) { return csi.New(kubefake.NewClientset(), nil, csi.Options{}) },
	} {
		t.Run(name, func(t *testing.T) {
			drv, err := d()
			assert.Nil(t, drv)
			require.ErrorContains(t, err, "a nil client")
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
		})
	}
}
