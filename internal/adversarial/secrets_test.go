package adversarial_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// password is the tenant's database password: a quote, a backslash and
// non-ASCII, which JSON escapes (issue 13, defect 4a).
const password = `hunter"2\wörd`

// jsonEscape is a shell pipeline that escapes its input for a JSON
// string; with ö as \u00f6 when unicode is set.
func jsonEscape(unicode bool) string {
	sed := `sed 's/\\/\\\\/g; s/"/\\"/g'`
	if unicode {
		sed = `sed 's/\\/\\\\/g; s/"/\\"/g; s/ö/\\u00f6/g'`
	}
	return `"$(printf '%s' "$DB_PASSWORD" | ` + sed + `)"`
}

// argvWatch records, until stopped, whether any process's argv
// (/proc/*/cmdline, which every user reads) ever held secret.
type argvWatch struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	seen []string
}

func watchArgv(secret string) *argvWatch {
	w := &argvWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			files, _ := filepath.Glob("/proc/[0-9]*/cmdline")
			for _, f := range files {
				if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte(secret)) {
					w.mu.Lock()
					w.seen = append(w.seen, string(bytes.ReplaceAll(data, []byte{0}, []byte{' '})))
					w.mu.Unlock()
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return w
}

// Stop ends the watch and returns the argvs that held the secret.
func (w *argvWatch) Stop() []string {
	close(w.stop)
	<-w.done
	return w.seen
}

// Class 4, secrets escaping redaction: the tenant's status-update script
// prints its password JSON-escaped (\" \\ and \u00f6) into userContext,
// the operator's tool prints it on standard error and fails. Bound: the
// password, raw or JSON-escaped, is in no Backup status, failure reason,
// event, engine or driver log line, driver Log, nor in any process's argv
// while the tasks run. (The Job driver's pod-exec and termination-message
// paths: drivers/job exec_trust_test.go and trust_test.go; the local
// driver's own cases: drivers/local trust_test.go, secrets_test.go.)
func TestClass04SecretsNeverEscapeRedaction(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc to watch argv")
	}
	w := newWorld(t, worldOptions{secrets: local.SecretMap{"tenant/db": {"username": "admin", "password": password}},
		targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
	w.tool("tool", `sleep 0.3`, `echo "connected as $DB_USER with $DB_PASSWORD" >&2`,
		`echo '{"backupTool":{"CheckPoint":"0/1"}}'`)
	w.tool("failing-tool", `echo "login failed for $DB_USER:$DB_PASSWORD" >&2; exit 1`)
	w.policy("tenant", "leaky", "tool", v1alpha1.BackupStatusUpdate{UpdateStage: v1alpha1.PostBackup, Path: "manifests",
		Script: `printf '{"userContext":{"escaped":"%s","unicode":"%s"}}\n' ` + jsonEscape(false) + ` ` + jsonEscape(true)})
	w.policy("tenant", "failing", "failing-tool")
	argv := watchArgv(password)

	ok := w.backup("tenant", "b1", "leaky", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, ok.Status.Phase, ok.Status.FailureReason)
	assert.Equal(t, map[string]string{"escaped": "[REDACTED]", "unicode": "[REDACTED]"}, ok.Status.Manifests.UserContext,
		"the escaped password was found in the decoded output")
	failed := w.backup("tenant", "b2", "failing", time.Minute)
	require.Equal(t, v1alpha1.BackupFailed, failed.Status.Phase)
	assert.Contains(t, failed.Status.FailureReason, "login failed for [REDACTED]:[REDACTED]", "the log tail is in the reason, redacted")

	leaks := argv.Stop()
	assert.Empty(t, leaks, "no argv held the password")
	statuses, err := json.Marshal([]any{ok.Status, failed.Status})
	require.NoError(t, err)
	places := map[string]string{"statuses": string(statuses), "events": w.eventText(), "logs": w.logs.String()}
	for _, id := range w.taskIDs() {
		log, err := w.driver.Log(w.ctx, id)
		require.NoError(t, err)
		places["driver log of "+id] += string(log)
	}
	escaped, _ := json.Marshal(password)
	for where, text := range places {
		assert.NotContains(t, text, password, where)
		assert.NotContains(t, text, string(escaped[1:len(escaped)-1]), "%s: JSON-escaped", where)
		assert.NotContains(t, text, `hunter\"2\\w\u00f6rd`, "%s: \\u-escaped", where)
	}
}

// The argv watch of class 4 sees a value in an argv: its silence means
// something.
func TestArgvWatchSeesAnArgv(t *testing.T) {
	if _, err := os.Stat("/proc/self/cmdline"); err != nil {
		t.Skip("needs /proc to watch argv")
	}
	const marker = "argv-watch-marker-7f3a"
	watch := watchArgv(marker)
	require.NoError(t, exec.Command("sh", "-c", "sleep 0.2", marker).Run())
	assert.NotEmpty(t, watch.Stop())
}

// taskIDs are the IDs of the tasks in the local driver's state directory.
func (w *world) taskIDs() []string {
	entries, err := os.ReadDir(w.stateDir())
	require.NoError(w.t, err)
	var ids []string
	for _, e := range entries {
		if e.IsDir() && e.Name()[0] != '.' {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// Class 7, over-redaction: the tenant's password is a number that its
// tool also prints as a JSON number (a port). Bound: the output is kept
// (CheckPoint recorded), the number is "[REDACTED]" in userContext, and
// nothing is dropped silently.
func TestClass07OverRedactionNeverDropsOutput(t *testing.T) {
	w := newWorld(t, worldOptions{secrets: local.SecretMap{"tenant/db": {"username": "admin", "password": "5432"}},
		targets: local.Targets{{Name: "db-0", Labels: map[string]string{"app": "tenant"}}}})
	w.tool("tool", `echo '{"backupTool":{"CheckPoint":"0/3000028"},"userContext":{"port":5432,"db":"app"}}'`)
	w.policy("tenant", "p", "tool")
	b := w.backup("tenant", "b1", "p", time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	require.NotNil(t, b.Status.Manifests)
	assert.Equal(t, "0/3000028", b.Status.Manifests.BackupTool.CheckPoint, "the output is kept")
	assert.Equal(t, map[string]string{"port": "[REDACTED]", "db": "app"}, b.Status.Manifests.UserContext)
}
