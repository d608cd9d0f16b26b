package local_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// A password with a quote, a backslash and non-ASCII is escaped in the
// tool's JSON output; redaction works on the decoded document, so it never
// reaches status.manifests.userContext (issue 13, defect 4a).
func TestEscapedSecretsAreRedactedFromJSONOutput(t *testing.T) {
	const hard = `pa"ss\wörd`
	f := newFixture(t, func(o *local.Options) { o.Secrets = local.SecretMap{"ns/db": {"password": hard}} })
	for name, print := range map[string]string{
		"escaped quote and backslash": `printf '%s' "$DB_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g'`,
		"non-ASCII as \\u escape":     `printf '%s' "$DB_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g; s/ö/\\u00f6/g'`,
	} {
		t.Run(name, func(t *testing.T) {
			id := "escaped-" + map[bool]string{true: "u", false: "q"}[strings.Contains(print, "u00f6")]
			task := f.task(id, `printf '{"userContext":{"user":"admin","leak":"%s"}}\n' "$(`+print+`)"`)
			task.Env = append(task.Env, secretEnv("DB_PASSWORD", "db", "password"))
			f.start(task)
			st := wait(t, f.d, task.ID)
			require.Equal(t, drivers.Succeeded, st.Phase, st.LogTail)
			require.NotNil(t, st.Output, "the output is kept")
			var out struct {
				UserContext map[string]string `json:"userContext"`
			}
			require.NoError(t, json.Unmarshal(st.Output, &out))
			assert.Equal(t, map[string]string{"user": "admin", "leak": "[REDACTED]"}, out.UserContext)
			assert.NotContains(t, st.LogTail, `pa\"ss`, "the log tail hides the JSON-escaped form too")
		})
	}
}

// A secret that appears in the output as a JSON number (a port) is redacted
// in the decoded document: the output stays valid and is kept, never
// silently dropped (issue 13, defect 7).
func TestASecretAsAJSONNumberDoesNotDropTheOutput(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.Secrets = local.SecretMap{"ns/db": {"port": "5432"}} })
	task := f.task("number", `echo '{"backupTool":{"CheckPoint":"0/3000028"},"userContext":{"port":'"$DB_PORT"'}}'`)
	task.Env = append(task.Env, secretEnv("DB_PORT", "db", "port"))
	f.start(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, st.LogTail)
	require.NotNil(t, st.Output, "the output is not dropped")
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/3000028"},"userContext":{"port":"[REDACTED]"}}`, string(st.Output))
}

// No process the driver starts gets a secret value in its argv, which
// /proc/*/cmdline shows to every user: the variables reach the commands
// through their environment (issue 13, defect 4c). Every program the
// supervisor runs by name, and the shell, are wrapped to record their
// arguments.
func TestSecretsNeverReachAnArgv(t *testing.T) {
	bin, argv := t.TempDir(), filepath.Join(t.TempDir(), "argv")
	for _, prog := range []string{"env", "cat", "tee", "mv", "rm", "sh", "dd", "wc"} {
		real, err := exec.LookPath(prog)
		require.NoError(t, err)
		wrapper := "#!" + realShell(t) + "\nprintf '%s\\n' \"$0 $*\" >> '" + argv + "'\nexec '" + real + "' \"$@\"\n"
		require.NoError(t, os.WriteFile(filepath.Join(bin, prog), []byte(wrapper), 0o755))
	}
	f := newFixture(t, func(o *local.Options) {
		o.Secrets = local.SecretMap{"ns/db": {"password": password}}
		o.Shell = filepath.Join(bin, "sh")
		o.Environ = []string{"PATH=" + bin + ":" + os.Getenv("PATH")}
	})
	task := f.task("argv", `printf '%s' "$DB_PASSWORD" > "$BACKUP_DIR/seen"`, `echo ok`)
	task.Env = append(task.Env, secretEnv("DB_PASSWORD", "db", "password"))
	f.start(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, st.LogTail)
	seen, err := os.ReadFile(filepath.Join(f.dir(task.ID), "seen"))
	require.NoError(t, err)
	assert.Equal(t, password, string(seen), "the command got the value")
	recorded, err := os.ReadFile(argv)
	require.NoError(t, err)
	assert.Contains(t, string(recorded), "-c", "the wrappers ran")
	assert.NotContains(t, string(recorded), password, "no argv held the secret")
	envFiles, _ := filepath.Glob(filepath.Join(f.state, task.ID, "env.*"))
	assert.Empty(t, envFiles, "the environment files are gone once the task ended")
}

// realShell is the shell the wrappers run with (not a wrapper).
func realShell(t *testing.T) string {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	return sh
}
