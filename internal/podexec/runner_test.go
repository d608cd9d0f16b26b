package podexec_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const password = `pa"ss'wörd $(x)`

func newClient() *kubefake.Clientset {
	return kubefake.NewClientset(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db"},
		Data: map[string][]byte{"password": []byte(password)}})
}

func task(id string, kind drivers.TaskKind, commands ...string) *drivers.Task {
	return &drivers.Task{ID: id, Kind: kind, BackupType: v1alpha1.BackupTypeDataFile,
		Owner:  drivers.ObjectRef{Kind: "Backup", Namespace: "ns", Name: "b1", UID: "uid-1"},
		Target: drivers.Target{Name: "db-0", Namespace: "ns", Containers: []string{"db"}},
		Env: []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}, {Name: "HOST", Value: "db-0"}},
		Steps: []drivers.Step{{Name: "s", Commands: commands, Env: []corev1.EnvVar{{Name: "S", Value: "$(HOST)-step"}}}}}
}

func wait(t *testing.T, r *podexec.Runner, id string) *drivers.TaskStatus {
	t.Helper()
	var st *drivers.TaskStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = r.Status(context.Background(), id)
		require.NoError(t, err)
		return st.Phase.IsTerminal()
	}, 20*time.Second, 2*time.Millisecond)
	return st
}

// The script and the end line travel in the request (its URL); the values
// and the commands only on standard input.
func TestRequestsCarryNoValue(t *testing.T) {
	f := &podexectest.Fake{Result: &podexec.Result{Stdout: []byte(`{"ok":true}`)}}
	r := podexec.New(newClient(), podexec.Options{Exec: f})
	require.NoError(t, r.Start(context.Background(), task("t1", drivers.KindStatusUpdate, `echo "$(S) $(DB_PASSWORD)"`)))
	wait(t, r, "t1")
	req := f.Requests()[0]
	assert.Equal(t, "ns/db-0/db", req.Namespace+"/"+req.Pod+"/"+req.Container)
	assert.NotContains(t, strings.Join(req.Command, " "), "pa", "no value in the URL")
	commands, env, err := podexectest.Decode(req)
	require.NoError(t, err)
	assert.Equal(t, []string{`echo "db-0-step ${DB_PASSWORD}"`}, commands,
		"expanded with the step's variables, but the secret's, which the shell reads from the environment (never argv)")
	assert.Subset(t, env, []string{"DB_PASSWORD=" + password, "HOST=db-0", "__DP_S1_S=db-0-step"})
}

// The generated script parses, and run under sh with its standard input it
// gives each step its own variables and stops at the first failure.
func TestTheScriptRunsUnderSh(t *testing.T) {
	f := &podexectest.Fake{Result: &podexec.Result{}}
	r := podexec.New(newClient(), podexec.Options{Exec: f})
	tk := task("t1", drivers.KindHook, `printf '%s|%s|' "$DB_PASSWORD" "$S"`, `cat; exit 4`, `echo never`)
	require.NoError(t, r.Start(context.Background(), tk))
	wait(t, r, "t1")
	req := f.Requests()[0]
	out, err := exec.Command("sh", "-n", "-c", req.Command[2]).CombinedOutput()
	require.NoError(t, err, "sh -n: %s", out)

	var stdout, stderr bytes.Buffer
	code, err := podexectest.Run(context.Background(), req.Command, []string{"PATH=" + os.Getenv("PATH")}, req.Stdin, &stdout, &stderr)
	require.NoError(t, err)
	assert.Equal(t, 4, code)
	assert.Equal(t, password+"|db-0-step|", stdout.String(), "values arrive exactly; commands do not read the environment's stdin")
	assert.Contains(t, stderr.String(), `step 1 ("s") command 2 failed with exit status 4`)
}

// A task is recorded in a ConfigMap of its target's namespace: a new Runner
// reports it, and a ConfigMap of its name that is not its record stops it.
func TestTasksAreRecorded(t *testing.T) {
	client := newClient()
	f := &podexectest.Fake{Result: &podexec.Result{ExitCode: 1, Stderr: []byte("login " + password + " refused")}}
	r := podexec.New(client, podexec.Options{Exec: f, OwnerReferences: true})
	require.NoError(t, r.Start(context.Background(), task("t1", drivers.KindHook, "x")))
	st := wait(t, r, "t1")
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, "login [REDACTED] refused", st.LogTail)

	cm, err := client.CoreV1().ConfigMaps("ns").Get(context.Background(), "t1", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "t1", cm.Labels[v1alpha1.LabelTaskID])
	assert.Equal(t, "hook", cm.Labels[v1alpha1.LabelTaskKind])
	assert.Equal(t, "Failed", cm.Data["phase"])
	assert.Equal(t, "uid-1", string(cm.OwnerReferences[0].UID))
	for k, v := range cm.Data {
		assert.NotContains(t, v, "wörd", k)
	}
	again, err := podexec.New(client, podexec.Options{Exec: f}).Status(context.Background(), "t1")
	require.NoError(t, err)
	assert.Equal(t, st, again)

	_, err = client.CoreV1().ConfigMaps("ns").Create(context.Background(), &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "t2"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	err = r.Start(context.Background(), task("t2", drivers.KindHook, "x"))
	assert.Equal(t, drivers.AlreadyExists, drivers.ErrorCode(err), "%v", err)
}

// A task recorded Running that this process does not run (the engine
// stopped meanwhile) is Failed, Unavailable, and never run again; Cancel
// of such a task records Canceled.
func TestAnOrphanedRunIsFailedNotRunAgain(t *testing.T) {
	client := newClient()
	blocked := &podexectest.Fake{Result: &podexec.Result{}, Block: make(chan struct{})}
	defer close(blocked.Block)
	old := podexec.New(client, podexec.Options{Exec: blocked})
	for _, id := range []string{"t1", "t2"} {
		require.NoError(t, old.Start(context.Background(), task(id, drivers.KindHook, "sleep 60")))
	}
	f := &podexectest.Fake{Result: &podexec.Result{}}
	r := podexec.New(client, podexec.Options{Exec: f})
	st, err := r.Status(context.Background(), "t1")
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Unavailable, st.ErrorCode)
	assert.True(t, st.ErrorCode.Retryable())
	require.NoError(t, r.Start(context.Background(), task("t1", drivers.KindHook, "sleep 60")))
	require.NoError(t, r.Cancel(context.Background(), "t2"))
	st, err = r.Status(context.Background(), "t2")
	require.NoError(t, err)
	assert.Equal(t, drivers.Canceled, st.ErrorCode)
	assert.Empty(t, f.Requests(), "nothing ran again")
	require.NoError(t, r.Cleanup(context.Background(), "t1"))
	_, err = r.Status(context.Background(), "t1")
	assert.True(t, drivers.IsNotFound(err), "%v", err)
}

func TestStartRefusesWhatAShellCannotName(t *testing.T) {
	r := podexec.New(newClient(), podexec.Options{Exec: &podexectest.Fake{}})
	bad := task("t1", drivers.KindHook, "x")
	bad.Env = append(bad.Env, corev1.EnvVar{Name: "my.var", Value: "x"})
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(r.Start(context.Background(), bad)))
	bad = task("t1", drivers.KindHook, "x")
	bad.Target.Name = ""
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(r.Start(context.Background(), bad)))
	_, err := r.Status(context.Background(), "t1")
	assert.True(t, drivers.IsNotFound(err))
}
