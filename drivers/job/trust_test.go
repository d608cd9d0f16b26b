//go:build unix

package job

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// What a Job printed — its output, the log tail of its termination message,
// its failure message — hides the values of the secrets its container
// references, though the kubelet, not the driver, gave them to it (issue
// 13, defect 4b: the password reached failureReason and a Warning event).
func TestJobsReportNoSecret(t *testing.T) {
	w := newWorld(t, Options{})
	createSources(t, w) // the password is s3cr'et $HOME `id`
	kubelet, err := testkubelet.Start(w.ctx, w.env.Client, w.ns, testkubelet.Local{Client: w.env.Client, Root: t.TempDir()},
		testkubelet.Options{Logf: t.Logf})
	require.NoError(t, err)
	t.Cleanup(func() { _ = kubelet.Stop() })

	ok := backupTask(w.ns, w.id("ok"))
	ok.Steps[0].Commands = []string{`printf '{"userContext":{"p":"%s","n":1}}\n' "$DB_PASSWORD"`}
	failing := backupTask(w.ns, w.id("failing"))
	failing.Storage.Path += "-2"
	failing.Steps[0].Commands = []string{`echo "login $DB_USER/$DB_PASSWORD refused" >&2; exit 2`}
	for _, task := range []*drivers.Task{ok, failing} {
		require.NoError(t, w.d.Start(w.ctx, task))
	}
	for _, task := range []*drivers.Task{ok, failing} {
		var st *drivers.TaskStatus
		eventually(t, "task "+task.ID+" finishes", func() bool {
			var err error
			st, err = w.status(t, task.ID)
			require.NoError(t, err)
			return st.Phase.IsTerminal()
		})
		for what, text := range map[string]string{"output": string(st.Output), "log tail": st.LogTail, "message": st.Message} {
			assert.NotContains(t, text, "s3cr'et", "%s of %s", what, task.ID)
		}
		if task == ok {
			require.Equal(t, drivers.Succeeded, st.Phase, st.Message)
			assert.JSONEq(t, `{"userContext":{"p":"[REDACTED]","n":1}}`, string(st.Output), "the output is kept, redacted")
		} else {
			require.Equal(t, drivers.Failed, st.Phase)
			assert.Contains(t, st.LogTail, "login [REDACTED]/[REDACTED] refused")
		}
	}
}

// Values reach the commands only through the kubelet's expansion of each
// command, a separate argument of the container: a value that closes a
// quote cannot break out of the generated script (issue 13, defect 8: a
// parent's CheckPoint with a "'" ran its "touch" in the script), nor can a
// step's name. The Job is run as a node would run it.
func TestValuesCannotBreakOutOfTheJobScript(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	hostile := `x'; touch ` + marker + `; echo '`
	task := backupTask("ns", "b1-main")
	task.Env, task.EnvFrom = []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/b1"}, {Name: "PARENT_CHECKPOINT", Value: hostile}}, nil
	task.Steps = []drivers.Step{{Name: "it's $(touch " + marker + ")",
		Commands: []string{`printf '%s' "$(PARENT_CHECKPOINT)" > "$BACKUP_DIR/cp"`, `printf '|%s' "$(STEPVAR)" >> "$BACKUP_DIR/cp"`},
		Env:      []corev1.EnvVar{{Name: "STEPVAR", Value: "$(PARENT_CHECKPOINT)"}}}}
	job := mustNew(t, nil, Options{}).buildJob(task, jobPlan{namespace: "ns", now: t0})
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "b1-main-x", Namespace: "ns"}, Spec: job.Spec.Template.Spec}
	root := t.TempDir()
	term, err := testkubelet.Local{Client: kubefake.NewClientset(), Root: root}.Run(context.Background(), pod)
	require.NoError(t, err)
	require.Equal(t, int32(0), term.ExitCode, term.Log)
	assert.NoFileExists(t, marker, "nothing ran but the commands")
	got, err := os.ReadFile(filepath.Join(root, "backup-pvc", "ns", "b1", "cp"))
	require.NoError(t, err)
	assert.Equal(t, hostile+"|"+hostile, string(got), "the commands got the value")
}
