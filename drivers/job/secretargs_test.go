package job

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// secretArgsTask refers to secret-backed variables in its commands: a
// secretKeyRef, a variable built from one, a key of an envFrom secret; and
// to a plain one.
func secretArgsTask() *drivers.Task {
	task := backupTask("ns", "b1-main")
	task.Env = []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/b1"}, {Name: "HOST", Value: "db-0"},
		{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}},
		{Name: "CONN", Value: "pg://u:$(DB_PASSWORD)@$(HOST)"}}
	task.EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}}
	task.Steps = []drivers.Step{{Name: "backup", Commands: []string{
		`tr '\0' ' ' </proc/$$$$/cmdline >"$BACKUP_DIR/argv"; echo "$(DB_PASSWORD) $(CONN) $(API_KEY) $(HOST)" >"$BACKUP_DIR/values"`}}}
	return task
}

// The generated args protect every secret-backed reference ("${VAR}", which
// the kubelet leaves alone) and leave the plain ones to the kubelet.
func TestJobArgsReferToSecretsOnlyThroughTheEnvironment(t *testing.T) {
	job := mustNew(t, nil, Options{}).buildJob(secretArgsTask(), jobPlan{namespace: "ns", now: t0,
		envFromSecrets: map[string]bool{"API_KEY": true}})
	args := job.Spec.Template.Spec.Containers[0].Args
	assert.Equal(t, `tr '\0' ' ' </proc/$$$$/cmdline >"$BACKUP_DIR/argv"; echo "${DB_PASSWORD} ${CONN} ${API_KEY} $(HOST)" >"$BACKUP_DIR/values"`,
		args[len(args)-1])
}

// Run as a node runs it (the kubelet's expansion of the args, then the
// process), the command's own argv holds no secret, and it gets the
// values through its environment.
func TestJobCommandsArgvHoldsNoSecret(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc")
	}
	const password, apiKey = "pw-31aa9c", "key-88f0d2"
	client := newFakeClient(
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db"}, Data: map[string][]byte{"password": []byte(password)}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "api"}, Data: map[string][]byte{"API_KEY": []byte(apiKey)}})
	d := mustNew(t, client, Options{})
	task := secretArgsTask()
	names, err := d.envFromSecretNames(context.Background(), task, "ns")
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"API_KEY": true}, names)
	job := d.buildJob(task, jobPlan{namespace: "ns", now: t0, envFromSecrets: names})
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "b1-main-x", Namespace: "ns"}, Spec: job.Spec.Template.Spec}
	root := t.TempDir()
	term, err := testkubelet.Local{Client: client, Root: root}.Run(context.Background(), pod)
	require.NoError(t, err)
	require.Equal(t, int32(0), term.ExitCode, term.Log)
	dir := filepath.Join(root, "backup-pvc", "ns", "b1")
	argv, err := os.ReadFile(filepath.Join(dir, "argv"))
	require.NoError(t, err)
	require.Contains(t, string(argv), "sh -c", "the command's shell's argv was read")
	assert.NotContains(t, string(argv), password)
	assert.NotContains(t, string(argv), apiKey)
	values, err := os.ReadFile(filepath.Join(dir, "values"))
	require.NoError(t, err)
	assert.Equal(t, password+" pg://u:"+password+"@db-0 "+apiKey+" db-0", strings.TrimSpace(string(values)))
}
