//go:build unix

package job

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	"github.com/dpsdk/dataprotection/internal/shell"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// statusUpdateTask is a status update of the backup of backupTask, whose
// environment references a secret, a config map and other variables.
func statusUpdateTask(ns, id string) *drivers.Task {
	t := backupTask(ns, id)
	t.Kind, t.Image, t.Storage = drivers.KindStatusUpdate, "", nil
	t.Container = "postgres"
	t.Env = append(t.Env,
		corev1.EnvVar{Name: "CONN", Value: "$(DB_USER)@$(DB_HOST)"},
		corev1.EnvVar{Name: "MODE", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "tool-config"}, Key: "mode"}}},
		corev1.EnvVar{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		corev1.EnvVar{Name: "OPTIONAL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}, Key: "k", Optional: ptr.To(true)}}},
	)
	t.Steps = []drivers.Step{{Name: "status-update", Commands: []string{
		`printf '{"user":"%s","password":"%s","conn":"%s","mode":"%s","pod":"%s","level":"%s","from":"%s","optional":"%s"}' ` +
			`"$DB_USER" "$DB_PASSWORD" "$CONN" "$MODE" "$POD" "$LEVEL" "$FROM_ENVFROM" "${OPTIONAL-unset}"`,
	}, Env: []corev1.EnvVar{{Name: "LEVEL", Value: "$(MODE)-step"}}}}
	return t
}

// createSources creates the secret and config map the tasks reference.
func createSources(t *testing.T, w *world) {
	_, err := w.env.Client.CoreV1().Secrets(w.ns).Create(w.ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db-secret"},
		Data: map[string][]byte{"username": []byte("postgres"), "password": []byte("s3cr'et $HOME `id`")}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = w.env.Client.CoreV1().ConfigMaps(w.ns).Create(w.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "tool-config"},
		Data: map[string]string{"mode": "fast", "FROM_ENVFROM": "yes", "not-a-shell-name": "skipped"}}, metav1.CreateOptions{})
	require.NoError(t, err)
}

func waitExec(t *testing.T, d *Driver, id string) *drivers.TaskStatus {
	t.Helper()
	var st *drivers.TaskStatus
	eventually(t, "task "+id+" finishes", func() bool {
		var err error
		st, err = d.Status(context.Background(), id)
		require.NoError(t, err)
		return st.Phase.IsTerminal()
	})
	return st
}

func TestStatusUpdateRunsInTheTargetContainerWithItsEnvironment(t *testing.T) {
	w := newWorld(t, Options{PodExec: podexectest.Local{}})
	createSources(t, w)
	task := statusUpdateTask(w.ns, w.id("post-0"))
	seen := filepath.Join(t.TempDir(), "seen")
	task.Steps[0].Commands[0] += " | tee " + shell.Quote(seen)
	require.NoError(t, w.d.Start(w.ctx, task))
	st := waitExec(t, w.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	got, err := os.ReadFile(seen)
	require.NoError(t, err)
	assert.JSONEq(t, `{"user":"postgres","password":"s3cr'et $HOME `+"`id`"+`","conn":"postgres@db-0.db","mode":"fast","pod":"db-0",
		"level":"fast-step","from":"yes","optional":"unset"}`, string(got),
		"secrets, config maps, pod fields, envFrom and $(VAR) references resolve as in a container")
	assert.JSONEq(t, `{"user":"[REDACTED]","password":"[REDACTED]","conn":"[REDACTED]@db-0.db","mode":"fast","pod":"db-0",
		"level":"fast-step","from":"yes","optional":"unset"}`, string(st.Output), "the output hides the secret's values")
	assert.Empty(t, jobsOf(t, w, task.ID), "no Job")
}

func TestExecRequestKeepsSecretsOutOfTheCommand(t *testing.T) {
	f := &podexectest.Fake{Result: &ExecResult{Stdout: []byte(`{"a":1}` + "\n")}}
	w := newWorld(t, Options{PodExec: f})
	createSources(t, w)
	task := statusUpdateTask(w.ns, w.id("post-0"))
	require.NoError(t, w.d.Start(w.ctx, task))
	st := waitExec(t, w.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase)
	assert.JSONEq(t, `{"a":1}`, string(st.Output))

	calls := f.Requests()
	require.Len(t, calls, 1)
	req := calls[0]
	assert.Equal(t, w.ns, req.Namespace)
	assert.Equal(t, "db-0", req.Pod)
	assert.Equal(t, "postgres", req.Container)
	require.Len(t, req.Command, 5)
	assert.Equal(t, []string{"sh", "-c"}, req.Command[:2])
	assert.Equal(t, "sh", req.Command[3])
	end := req.Command[4]
	assert.True(t, strings.HasPrefix(end, "__DP_END_"))
	assert.NotContains(t, strings.Join(req.Command, " "), "s3cr", "no secret value in the request")
	assert.Contains(t, string(req.Stdin), "export DB_PASSWORD='s3cr'\\''et $HOME `id`'\n", "it goes on stdin")
	assert.True(t, strings.HasSuffix(string(req.Stdin), end+"\n"))
	assert.Equal(t, 64<<10, req.MaxStdout)
}

func TestExecUsesTheTargetsFirstContainerByDefault(t *testing.T) {
	f := &podexectest.Fake{Result: &ExecResult{}}
	w := newWorld(t, Options{PodExec: f})
	task := backupTask(w.ns, w.id("hook-pre"))
	task.Kind, task.Env, task.EnvFrom, task.BackupType = drivers.KindHook, nil, nil, v1alpha1.BackupTypeLogFile
	require.NoError(t, w.d.Start(w.ctx, task))
	waitExec(t, w.d, task.ID)
	assert.Equal(t, "postgres", f.Requests()[0].Container)
}

func TestExecStartIsIdempotent(t *testing.T) {
	f := &podexectest.Fake{Result: &ExecResult{}, Block: make(chan struct{})}
	w := newWorld(t, Options{PodExec: f})
	createSources(t, w)
	task := statusUpdateTask(w.ns, w.id("post-0"))
	for range 3 {
		require.NoError(t, w.d.Start(w.ctx, task))
	}
	st, err := w.status(t, task.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Running, st.Phase)
	close(f.Block)
	waitExec(t, w.d, task.ID)
	require.NoError(t, w.d.Start(w.ctx, task), "Start of a finished task")
	assert.Len(t, f.Requests(), 1, "one execution")
}

func TestExecFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		exec    *podexectest.Fake
		code    drivers.Code
		message string
		log     string
	}{
		"non-zero exit": {
			exec: &podexectest.Fake{Result: &ExecResult{ExitCode: 2, Stdout: []byte("partial"), Stderr: []byte("psql: could not connect\n")}},
			code: drivers.Unknown, message: "exited with status 2", log: "psql: could not connect",
		},
		"too much output": {
			exec: &podexectest.Fake{Result: &ExecResult{Stdout: []byte("{"), StdoutTruncated: true}},
			code: drivers.InvalidArgument, message: "larger than", log: "{",
		},
		"the pod is gone": {
			exec: &podexectest.Fake{Err: apierrors.NewNotFound(corev1.Resource("pods"), "db-0")},
			code: drivers.NotFound, message: "not found",
		},
		"the connection broke": {
			exec: &podexectest.Fake{Err: errors.New("connection reset")},
			code: drivers.Unknown, message: "connection reset",
		},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, Options{PodExec: tc.exec})
			createSources(t, w)
			task := statusUpdateTask(w.ns, w.id("post-0"))
			require.NoError(t, w.d.Start(w.ctx, task))
			st := waitExec(t, w.d, task.ID)
			require.Equal(t, drivers.Failed, st.Phase)
			assert.Equal(t, tc.code, st.ErrorCode)
			assert.Contains(t, st.Message, tc.message)
			assert.Equal(t, tc.log, st.LogTail)
			assert.Nil(t, st.Output)
			assert.False(t, st.CompletionTime.IsZero())
		})
	}
}

func TestExecStartNeedsItsSources(t *testing.T) {
	w := newWorld(t, Options{PodExec: &podexectest.Fake{Result: &ExecResult{}}})
	task := statusUpdateTask(w.ns, w.id("post-0"))
	err := w.d.Start(w.ctx, task)
	requireCode(t, drivers.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "tool-config does not exist")
	_, err = w.status(t, task.ID)
	requireCode(t, drivers.NotFound, err)
	task.EnvFrom = nil
	err = w.d.Start(w.ctx, task)
	requireCode(t, drivers.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "db-secret does not exist")

	task.Env = []corev1.EnvVar{{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}}}
	requireCode(t, drivers.InvalidArgument, w.d.Start(w.ctx, task))
	task.Env = []corev1.EnvVar{{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}}}
	requireCode(t, drivers.InvalidArgument, w.d.Start(w.ctx, task))
	task.Env = []corev1.EnvVar{{Name: "NOT-A-NAME", Value: "x"}}
	requireCode(t, drivers.InvalidArgument, w.d.Start(w.ctx, task))
	task.Env, task.Target.Name = nil, ""
	requireCode(t, drivers.InvalidArgument, w.d.Start(w.ctx, task))
}

func TestExecCancelCleanupAndDeadline(t *testing.T) {
	f := &podexectest.Fake{Result: &ExecResult{}, Block: make(chan struct{})}
	w := newWorld(t, Options{PodExec: f})
	createSources(t, w)

	task := statusUpdateTask(w.ns, w.id("post-0"))
	require.NoError(t, w.d.Start(w.ctx, task))
	for range 2 {
		require.NoError(t, w.d.Cancel(w.ctx, task.ID))
		st, err := w.status(t, task.ID)
		require.NoError(t, err)
		assert.Equal(t, drivers.Failed, st.Phase)
		assert.Equal(t, drivers.Canceled, st.ErrorCode)
	}
	for range 2 {
		require.NoError(t, w.d.Cleanup(w.ctx, task.ID))
		_, err := w.status(t, task.ID)
		requireCode(t, drivers.NotFound, err)
	}

	late := statusUpdateTask(w.ns, w.id("post-1"))
	late.Deadline = time.Now().Add(50 * time.Millisecond)
	require.NoError(t, w.d.Start(w.ctx, late))
	st := waitExec(t, w.d, late.ID)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode)

	running := statusUpdateTask(w.ns, w.id("post-2"))
	require.NoError(t, w.d.Start(w.ctx, running))
	require.NoError(t, w.d.Cleanup(w.ctx, running.ID), "Cleanup of a running exec cancels it")
	_, err := w.status(t, running.ID)
	requireCode(t, drivers.NotFound, err)
}

func TestExecOfAFinishedTaskIsNotCancelled(t *testing.T) {
	w := newWorld(t, Options{PodExec: &podexectest.Fake{Result: &ExecResult{Stdout: []byte(`{"ok":true}`)}}})
	createSources(t, w)
	task := statusUpdateTask(w.ns, w.id("post-0"))
	require.NoError(t, w.d.Start(w.ctx, task))
	before := waitExec(t, w.d, task.ID)
	require.NoError(t, w.d.Cancel(w.ctx, task.ID))
	after, err := w.status(t, task.ID)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}
