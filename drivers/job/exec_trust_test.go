//go:build unix

package job

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
)

// Everything a hook or status update run by pod exec reports — its output,
// its log tail, its failure message — hides the secret values of its
// environment, decoded in JSON (issue 13, defect 4b: the password reached
// failureReason and a Warning event).
func TestPodExecRedactsEverythingItReports(t *testing.T) {
	w := newWorld(t, Options{PodExec: podexectest.Local{}})
	createSources(t, w) // the password is s3cr'et $HOME `id`
	ok := statusUpdateTask(w.ns, w.id("post-0"))
	ok.Steps[0].Commands = []string{`printf '{"p":"%s","q":"%s"}' "$DB_PASSWORD" "$(printf '%s' "$DB_PASSWORD" | sed 's/\$/\\u0024/')"`}
	failing := statusUpdateTask(w.ns, w.id("post-1"))
	failing.Steps[0].Commands = []string{`echo "cannot log in with $DB_PASSWORD" >&2; exit 3`}
	for _, task := range []*drivers.Task{ok, failing} {
		require.NoError(t, w.d.Start(w.ctx, task))
		st := waitExec(t, w.d, task.ID)
		for what, text := range map[string]string{"output": string(st.Output), "log tail": st.LogTail, "message": st.Message} {
			assert.NotContains(t, text, "s3cr'et", "%s of %s", what, task.ID)
		}
	}
	st := waitExec(t, w.d, ok.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, st.LogTail)
	assert.JSONEq(t, `{"p":"[REDACTED]","q":"[REDACTED]"}`, string(st.Output), "redacted in the decoded document")
	st = waitExec(t, w.d, failing.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Contains(t, st.LogTail, "cannot log in with [REDACTED]\n")
}

// A pod exec is recorded in the cluster: a restarted engine reports the
// recorded result of a finished task, and a task that was running when the
// engine stopped as Failed (Unavailable, retryable) without running it
// again; Start of a recorded task adopts it.
func TestPodExecSurvivesARestart(t *testing.T) {
	finished := &podexectest.Fake{Result: &ExecResult{Stdout: []byte(`{"lsn":"0/3000028"}`)}}
	w := newWorld(t, Options{PodExec: finished})
	createSources(t, w)
	done := statusUpdateTask(w.ns, w.id("post-0"))
	require.NoError(t, w.d.Start(w.ctx, done))
	before := waitExec(t, w.d, done.ID)
	require.Equal(t, drivers.Succeeded, before.Phase)

	blocked := &podexectest.Fake{Result: &ExecResult{}, Block: make(chan struct{})}
	running := statusUpdateTask(w.ns, w.id("post-1"))
	require.NoError(t, mustNew(t, w.env.Client, Options{PodExec: blocked}).Start(w.ctx, running))
	eventually(t, "the exec runs", func() bool { return len(blocked.Requests()) == 1 })

	again := &podexectest.Fake{Result: &ExecResult{}}
	restarted := mustNew(t, w.env.Client, Options{PodExec: again})
	after, err := restarted.Status(w.ctx, done.ID)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the recorded result")
	st, err := restarted.Status(w.ctx, running.ID)
	require.NoError(t, err)
	assert.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.Unavailable, st.ErrorCode)
	assert.Contains(t, st.Message, "whether it finished is unknown")
	require.NoError(t, restarted.Start(w.ctx, running), "Start adopts the recorded task")
	require.NoError(t, restarted.Start(w.ctx, done))
	assert.Empty(t, again.Requests(), "nothing runs twice")
	close(blocked.Block)

	require.NoError(t, restarted.Cleanup(w.ctx, running.ID))
	_, err = restarted.Status(w.ctx, running.ID)
	requireCode(t, drivers.NotFound, err)
}
