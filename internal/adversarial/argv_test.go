package adversarial_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Class 4c, secrets in argv (the remainder): a tool's commands refer to
// secret-backed variables as $(VAR) — the policy's DB_PASSWORD, a
// secretKeyRef, a variable built from one, a key of an envFrom secret.
// The command reads the argv of its own shell and of its parent from
// /proc while it runs: no secret value is there, and the values still
// reach the command (through the environment).
func TestClass04cSecretVariablesNeverReachArgv(t *testing.T) {
	const password, token, apiKey = "pw-9f1c2e", "tok-77ab31", "key-5d0e44"
	w := newWorld(t, worldOptions{secrets: local.SecretMap{
		"tenant/db":  {"username": "admin", "password": password},
		"tenant/api": {"token": token, "API_KEY": apiKey},
	}, targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
	_, err := w.st.BackupTools().Create(w.ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "argv"},
		Spec: v1alpha1.BackupToolSpec{Image: "busybox",
			Env: []corev1.EnvVar{
				{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "api"}, Key: "token"}}},
				{Name: "CONN", Value: "postgres://$(DB_USER):$(DB_PASSWORD)@db"},
			},
			EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}},
			BackupCommands: []string{
				`tr '\0' ' ' </proc/$$$$/cmdline >"$BACKUP_DIR/argv"; tr '\0' ' ' </proc/$PPID/cmdline >>"$BACKUP_DIR/argv"; ` +
					`echo "$(DB_PASSWORD) $(TOKEN) $(CONN) $(API_KEY) $(BACKUP_NAME)" >"$BACKUP_DIR/values"`,
			}}})
	require.NoError(t, err)
	w.policy("tenant", "p", "argv")

	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	dir := w.backupDir("tenant", "b1")
	argv := readFile(t, filepath.Join(dir, "argv"))
	require.Contains(t, argv, "sh -c", "the shell's argv was read")
	for _, secret := range []string{password, token, apiKey} {
		assert.NotContains(t, argv, secret)
	}
	assert.Contains(t, argv, `"${DB_PASSWORD} ${TOKEN} ${CONN} ${API_KEY} b1"`, "plain variables are still expanded into the text")
	assert.Equal(t, password+" "+token+" postgres://admin:"+password+"@db "+apiKey+" b1", readFile(t, filepath.Join(dir, "values")))
}
