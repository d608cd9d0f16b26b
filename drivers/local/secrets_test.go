package local_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

const password = "s3cr3t-Pa55w0rd"

func TestSecretsNeverAppearInLogsStatusOrState(t *testing.T) {
	var mu sync.Mutex
	var logged strings.Builder
	f := newFixture(t, func(o *local.Options) {
		o.Secrets = local.SecretMap{"ns/db": {"password": password, "username": "admin"}, "ns/bulk": {"API_KEY": "key-0987654321"}}
		o.Logger = funcr.New(func(prefix, args string) {
			mu.Lock()
			defer mu.Unlock()
			logged.WriteString(prefix + " " + args + "\n")
		}, funcr.Options{Verbosity: 10})
	})
	task := f.task("secrets",
		`echo "stdout: $DB_PASSWORD $API_KEY"`,
		`echo "stderr: $DB_PASSWORD" >&2`,
		`printf '%s' "$DB_PASSWORD" > "$BACKUP_DIR/seen"`,
		`echo '{"userContext":{"leak":"'"$DB_PASSWORD"'"}}'`,
		`echo "expanded: $(DB_PASSWORD)"`,
		`exit 4`)
	task.Env = append(task.Env, secretEnv("DB_USER", "db", "username"), secretEnv("DB_PASSWORD", "db", "password"))
	task.EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "bulk"}}}}
	f.start(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)

	seen, err := os.ReadFile(filepath.Join(f.dir(task.ID), "seen"))
	require.NoError(t, err)
	assert.Equal(t, password, string(seen), "the commands get the secret's value")

	assert.Contains(t, st.LogTail, "stdout: [REDACTED] [REDACTED]")
	assert.Contains(t, st.LogTail, "stderr: [REDACTED]")
	assert.Contains(t, st.LogTail, "expanded: [REDACTED]", "$(VAR) in commands expands, and is redacted")
	assert.JSONEq(t, `{"userContext":{"leak":"[REDACTED]"}}`, string(st.Output))
	log, err := f.d.Log(f.ctx, task.ID)
	require.NoError(t, err)
	for what, text := range map[string]string{"log tail": st.LogTail, "output": string(st.Output), "message": st.Message,
		"log": string(log), "driver log": logged.String()} {
		assert.NotContains(t, text, password, what)
		assert.NotContains(t, text, "key-0987654321", what)
	}
	assert.NotEmpty(t, logged.String(), "the driver logged something")

	eventually(t, func() bool { // the final status is recorded once the processes are gone
		_, err := f.d.Status(f.ctx, task.ID)
		require.NoError(t, err)
		_, err = os.Stat(filepath.Join(f.state, task.ID, "result.json"))
		return err == nil
	}, "the final status is recorded")
	for _, name := range []string{"state.json", "run.sh", "pid", "exit.json", "result.json"} {
		data, err := os.ReadFile(filepath.Join(f.state, task.ID, name))
		require.NoError(t, err, name)
		assert.NotContains(t, string(data), password, "%s holds no secret value", name)
	}

	restarted := f.newDriver() // redaction survives a restart: the secrets are resolved again
	log, err = restarted.Log(f.ctx, task.ID)
	require.NoError(t, err)
	assert.NotContains(t, string(log), password)
	assert.Contains(t, string(log), "stderr: [REDACTED]")
}
