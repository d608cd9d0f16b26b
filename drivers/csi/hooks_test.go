package csi_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	snapshotfake "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned/fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// hookDriver is a driver for hook tests, which need no API server: hooks run
// through the host's runner. Fake clientsets answer the lookups of tasks the
// driver does not know in memory.
func hookDriver(opts *csi.Options) *csi.Driver {
	return csi.New(kubefake.NewClientset(), snapshotfake.NewSimpleClientset(), opts)
}

// fakeHooks is a HookRunner that records its calls and answers from a
// script: stdout, an error, or blocking until released or cancelled.
type fakeHooks struct {
	mu      sync.Mutex
	calls   []hookCall
	stdout  string
	err     error
	block   chan struct{}
	started chan struct{}
}

type hookCall struct {
	target    string
	container string
	commands  []string
	env       []corev1.EnvVar
}

func (h *fakeHooks) Run(ctx context.Context, target drivers.Target, container string, commands []string, env []corev1.EnvVar) ([]byte, error) {
	h.mu.Lock()
	h.calls = append(h.calls, hookCall{target.Namespace + "/" + target.Name, container, commands, env})
	h.mu.Unlock()
	if h.block != nil {
		close(h.started)
		select {
		case <-h.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return []byte(h.stdout), h.err
}

func (h *fakeHooks) recorded() []hookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookCall(nil), h.calls...)
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

func TestHooksRunInTheTargetContainerThroughTheRunner(t *testing.T) {
	h := &fakeHooks{stdout: `{"lsn":"0/16B3748"}`}
	d := hookDriver(&csi.Options{Hooks: h})
	ctx := context.Background()

	hook := hookTask("b1-a0-hook-pre", drivers.KindHook, "psql -c 'CHECKPOINT'", "sync")
	require.NoError(t, d.Start(ctx, hook))
	require.NoError(t, d.Start(ctx, hook), "idempotent: the hook runs once")
	st := status(t, d, hook.ID, drivers.Succeeded)
	assert.Nil(t, st.Output, "a hook has no output")
	assert.Equal(t, `{"lsn":"0/16B3748"}`, st.LogTail)

	update := hookTask("b1-a0-post-0", drivers.KindStatusUpdate, "echo json")
	update.Container = "metrics"
	update.Env = append(update.Env, corev1.EnvVar{Name: "DIR", Value: "/backupdata/$(BACKUP_NAME)"},
		corev1.EnvVar{Name: "DB_HOST", Value: "$(DB_HOST).svc"})
	update.Steps[0].Env = []corev1.EnvVar{{Name: "OUT", Value: "$(DIR)/out"}, {Name: "KEEP", Value: "$$(DIR)"}}
	require.NoError(t, d.Start(ctx, update))
	st = status(t, d, update.ID, drivers.Succeeded)
	assert.JSONEq(t, `{"lsn":"0/16B3748"}`, string(st.Output))

	calls := h.recorded()
	require.Len(t, calls, 2)
	assert.Equal(t, hookCall{"demo/pg-0", "postgres", []string{"psql -c 'CHECKPOINT'", "sync"},
		[]corev1.EnvVar{{Name: "DB_HOST", Value: "pg-0"}, {Name: "BACKUP_NAME", Value: "b1"}, {Name: "STAGE", Value: "pre"}}},
		calls[0], "no container named: the target's first")
	assert.Equal(t, "metrics", calls[1].container)
	assert.Equal(t, []corev1.EnvVar{{Name: "DB_HOST", Value: "pg-0.svc"}, {Name: "BACKUP_NAME", Value: "b1"},
		{Name: "DIR", Value: "/backupdata/b1"}, {Name: "OUT", Value: "/backupdata/b1/out"},
		{Name: "KEEP", Value: "$(DIR)"}}, calls[1].env, "one entry per name, references expanded as the kubelet does")

	require.NoError(t, d.Cleanup(ctx, hook.ID))
	require.NoError(t, d.Cleanup(ctx, hook.ID))
	_, err := d.Status(ctx, hook.ID)
	requireCode(t, drivers.NotFound, err)
}

func TestAFailingHookReportsItsErrorAndCode(t *testing.T) {
	h := &fakeHooks{stdout: "ERROR: could not freeze\n", err: drivers.Errorf(drivers.PermissionDenied, "exec: forbidden")}
	d := hookDriver(&csi.Options{Hooks: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "fsfreeze -f /data")
	require.NoError(t, d.Start(context.Background(), task))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.PermissionDenied, st.ErrorCode)
	assert.Contains(t, st.Message, "exec: forbidden")
	assert.Contains(t, st.Message, `"pre-hook"`)
	assert.Equal(t, "ERROR: could not freeze\n"+st.Message, st.LogTail, "the output, then why it failed")

	plain := &fakeHooks{err: errors.New("exit status 1")}
	d = hookDriver(&csi.Options{Hooks: plain})
	require.NoError(t, d.Start(context.Background(), task))
	assert.Equal(t, drivers.Unknown, status(t, d, task.ID, drivers.Failed).ErrorCode)
}

func TestCancelStopsARunningHook(t *testing.T) {
	h := &fakeHooks{block: make(chan struct{}), started: make(chan struct{})}
	d := hookDriver(&csi.Options{Hooks: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "sleep 3600")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	<-h.started
	status(t, d, task.ID, drivers.Running)
	require.NoError(t, d.Cancel(ctx, task.ID))
	assert.Equal(t, drivers.Canceled, status(t, d, task.ID, drivers.Failed).ErrorCode)
	require.NoError(t, d.Cancel(ctx, task.ID))
	require.NoError(t, d.Cleanup(ctx, task.ID))
}

func TestAHookPastItsDeadlineFails(t *testing.T) {
	h := &fakeHooks{block: make(chan struct{}), started: make(chan struct{})}
	d := hookDriver(&csi.Options{Hooks: h})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "sleep 3600")
	task.Deadline = time.Now().Add(50 * time.Millisecond)
	require.NoError(t, d.Start(context.Background(), task))
	assert.Equal(t, drivers.DeadlineExceeded, status(t, d, task.ID, drivers.Failed).ErrorCode)
}

func TestAPanickingRunnerIsAnInternalError(t *testing.T) {
	d := hookDriver(&csi.Options{Hooks: panicky{}})
	task := hookTask("b1-a0-hook-pre", drivers.KindHook, "x")
	require.NoError(t, d.Start(context.Background(), task))
	st := status(t, d, task.ID, drivers.Failed)
	assert.Equal(t, drivers.Internal, st.ErrorCode)
}

type panicky struct{}

func (panicky) Run(context.Context, drivers.Target, string, []string, []corev1.EnvVar) ([]byte, error) {
	panic("boom")
}

func TestCapabilitiesListHooksOnlyWithARunner(t *testing.T) {
	ctx := context.Background()
	snapshot := []v1alpha1.BackupType{v1alpha1.BackupTypeSnapshot}
	caps, err := hookDriver(nil).Capabilities(ctx)
	require.NoError(t, err)
	assert.Equal(t, drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts},
		BackupTypes: snapshot}, caps)
	caps, err = hookDriver(&csi.Options{Hooks: &fakeHooks{}}).Capabilities(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, drivers.TaskKinds, caps.Kinds)
	assert.Equal(t, snapshot, caps.BackupTypes)
	assert.False(t, caps.Supports(drivers.KindBackup, v1alpha1.BackupTypeDataFile))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = hookDriver(nil).Capabilities(cancelled)
	requireCode(t, drivers.Canceled, err)
	requireCode(t, drivers.Canceled, hookDriver(nil).Start(cancelled, hookTask("x", drivers.KindHook, "true")))
}
