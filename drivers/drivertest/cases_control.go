package drivertest

import (
	"path"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func controlCases() []testCase {
	return []testCase{
		{"Cancel of a running task fails it promptly with Canceled, and Cancel is idempotent", testCancelRunning},
		{"Cancel of a finished task changes nothing", testCancelFinished},
		{"Cleanup is idempotent and afterwards Status is NotFound", testCleanup},
		{"a task past its Deadline fails with DeadlineExceeded", testDeadline},
		{"concurrent tasks run independently", testConcurrent},
		{"a restarted driver adopts running and finished tasks without running them again", testRestart},
	}
}

func testCancelRunning(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		task := e.behaving(f, Block)
		e.start(t, task, Block)
		e.waitRunning(t, task.ID)
		if !f.snapshot {
			e.waitFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "runs"))
		}
		require.NoError(t, e.d.Cancel(e.ctx, task.ID))
		st := e.waitFor(t, task.ID, e.timeouts.Prompt, "failed after Cancel", func(s *drivers.TaskStatus) bool { return s.Phase.IsTerminal() })
		require.Equal(t, drivers.Failed, st.Phase, describe(st))
		assert.Equal(t, drivers.Canceled, st.ErrorCode, describe(st))
		require.NoError(t, e.d.Cancel(e.ctx, task.ID), "a second Cancel")
		again := e.status(t, task.ID)
		assert.Equal(t, drivers.Failed, again.Phase)
		assert.Equal(t, drivers.Canceled, again.ErrorCode)
		if !f.snapshot {
			e.requireMissing(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "after"), "the commands after the cancelled one")
		}
	})
}

// waitFile waits until name exists in claim.
func (e *env) waitFile(t testing.TB, claim, name string) {
	t.Helper()
	deadline := time.Now().Add(e.timeouts.Finish)
	for {
		if _, err := e.h.ReadFile(e.ctx, claim, name); err == nil {
			return
		}
		if time.Now().After(deadline) {
			require.FailNowf(t, "timeout", "%s was not written in %s", name, e.timeouts.Finish)
		}
		time.Sleep(pollEvery)
	}
}

func testCancelFinished(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		task := e.behaving(f, Succeed)
		e.start(t, task, Succeed)
		st := e.waitSucceeded(t, task.ID)
		require.NoError(t, e.d.Cancel(e.ctx, task.ID))
		again := e.status(t, task.ID)
		assert.Equal(t, drivers.Succeeded, again.Phase, "Cancel of a finished task changed it: %s", describe(again))
		assert.True(t, st.CompletionTime.Equal(again.CompletionTime), "CompletionTime changed")
	})
}

func testCleanup(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		done := e.behaving(f, Succeed)
		e.start(t, done, Succeed)
		e.waitSucceeded(t, done.ID)
		running := e.behaving(f, Block)
		e.start(t, running, Block)
		e.waitRunning(t, running.ID)

		for _, id := range []string{done.ID, running.ID} {
			for i := range 2 {
				require.NoError(t, e.d.Cleanup(e.ctx, id), "Cleanup %d of %s", i+1, id)
				_, err := e.d.Status(e.ctx, id)
				require.True(t, drivers.IsNotFound(err), "Status after Cleanup %d of %s: %v", i+1, id, err)
			}
		}
		if !f.snapshot {
			assert.Equal(t, "run\n", e.readFile(t, done.Storage.ClaimName, path.Join(relDir(done.ID), "runs")),
				"Cleanup never removes what the task wrote")
		}
	})
}

func testDeadline(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		task := e.behaving(f, Block)
		deadline := time.Now().Add(time.Second)
		task.Deadline = deadline
		e.start(t, task, Block)
		st := e.waitFor(t, task.ID, time.Until(deadline)+e.timeouts.Prompt, "failed past its deadline",
			func(s *drivers.TaskStatus) bool { return s.Phase.IsTerminal() })
		require.Equal(t, drivers.Failed, st.Phase, describe(st))
		assert.Equal(t, drivers.DeadlineExceeded, st.ErrorCode, describe(st))
		assert.False(t, time.Now().Before(deadline), "the task failed before its deadline")
		assert.NotEmpty(t, st.Message)
	})
}

func testConcurrent(t *testing.T, e *env) {
	e.eachFlavour(t, func(t *testing.T, f flavour) {
		const n = 8
		tasks := make([]*drivers.Task, n)
		for i := range tasks {
			b := Succeed
			if i%4 == 3 {
				b = Fail
			}
			tasks[i] = e.behaving(f, b)
			e.prepare(t, tasks[i], b)
		}
		var wg sync.WaitGroup
		phases := make([]drivers.Phase, n)
		for i, task := range tasks {
			wg.Go(func() {
				if err := e.d.Start(e.ctx, task); err != nil {
					t.Errorf("Start %s: %v", task.ID, err)
					return
				}
				deadline := time.Now().Add(e.timeouts.Finish)
				for time.Now().Before(deadline) {
					st, err := e.d.Status(e.ctx, task.ID)
					if err != nil {
						t.Errorf("Status %s: %v", task.ID, err)
						return
					}
					if st.Phase.IsTerminal() {
						phases[i] = st.Phase
						return
					}
					time.Sleep(pollEvery)
				}
			})
		}
		wg.Wait()
		for i, task := range tasks {
			want := drivers.Succeeded
			if i%4 == 3 {
				want = drivers.Failed
			}
			assert.Equal(t, want, phases[i], "task %d", i)
			if !f.snapshot {
				assert.Equal(t, "run\n", e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "runs")), "task %d ran once", i)
			}
		}
	})
}

func testRestart(t *testing.T, e *env) {
	r, ok := e.h.(Restarter)
	if !ok {
		t.Skip("drivertest: the harness is not a Restarter")
	}
	f := e.requireCommands(t)
	done := e.behaving(f, Succeed)
	e.start(t, done, Succeed)
	before := e.waitSucceeded(t, done.ID)
	// Long enough to be seen Running on a loaded machine (through a Job,
	// its pod and an informer), short enough to finish after the restart.
	running := e.newTask("restart", f.kind, f.typ, nil, step("slow", mkdir, `echo run >> "$BACKUP_DIR/runs"`, `sleep 3`))
	e.start(t, running, Succeed)
	e.waitRunning(t, running.ID)

	d, err := r.RestartDriver(e.ctx)
	require.NoError(t, err, "RestartDriver")
	e.d = d
	e.closeFirst(t)
	after := e.status(t, done.ID)
	assert.Equal(t, before.Phase, after.Phase, "a finished task after the restart")
	assert.Equal(t, before.CompletionTime.UnixNano(), after.CompletionTime.UnixNano(), "a finished task after the restart")
	for _, task := range []*drivers.Task{done, running} {
		require.NoError(t, d.Start(e.ctx, task), "Start of %s after the restart", task.ID)
	}
	e.waitSucceeded(t, running.ID)
	for _, task := range []*drivers.Task{done, running} {
		assert.Equal(t, "run\n", e.readFile(t, task.Storage.ClaimName, path.Join(relDir(task.ID), "runs")), "%s ran once", task.ID)
	}
}
