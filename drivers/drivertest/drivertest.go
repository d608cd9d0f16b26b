package drivertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Defaults of Timeouts.
const (
	defaultFinish = 30 * time.Second
	defaultPrompt = 5 * time.Second
	// pollEvery is the wait between two Status calls of a poll.
	pollEvery = 2 * time.Millisecond
)

// RunConformanceTests runs the suite against the driver that newHarness's
// harnesses make: every case is a subtest with its own harness. Cases that
// need a task kind or backup type the driver's Capabilities do not declare
// are skipped, with the reason.
func RunConformanceTests(t *testing.T, newHarness HarnessMaker) {
	require.NotNil(t, newHarness, "drivertest: a HarnessMaker is required")
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) { c.run(t, newEnv(t, newHarness)) })
	}
}

// testCase is one subtest of the suite.
type testCase struct {
	name string
	run  func(t *testing.T, e *env)
}

func cases() []testCase {
	var all []testCase
	for _, group := range [][]testCase{basicCases(), runCases(), controlCases(), engineCases()} {
		all = append(all, group...)
	}
	return all
}

// env is one subtest's world: its harness, its driver, and the tasks it
// started (cleaned up when it ends).
type env struct {
	ctx      context.Context
	h        Harness
	d        drivers.Driver
	caps     drivers.Capabilities
	timeouts Timeouts
	run      string // random, unique to this subtest

	mu      sync.Mutex
	started []string
	closed  sync.Once
}

var seq atomic.Int64

func newEnv(t testing.TB, newHarness HarnessMaker) *env {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	h, err := newHarness(ctx, t)
	require.NoError(t, err, "make the harness")
	d, err := h.MakeDriver(ctx)
	if err != nil {
		h.Close()
		require.NoError(t, err, "make the driver")
	}
	e := &env{ctx: ctx, h: h, d: d, timeouts: timeoutsOf(h), run: randomHex(4)}
	t.Cleanup(func() { e.close(t) })
	e.caps, err = d.Capabilities(ctx)
	require.NoError(t, err, "Capabilities")
	return e
}

func timeoutsOf(h Harness) Timeouts {
	var to Timeouts
	if tm, ok := h.(Timing); ok {
		to = tm.Timeouts()
	}
	if to.Finish <= 0 {
		to.Finish = defaultFinish
	}
	if to.Prompt <= 0 {
		to.Prompt = defaultPrompt
	}
	return to
}

// close cleans up every task the subtest started, then closes the harness.
// It runs once, however often it is registered (see closeFirst).
func (e *env) close(t testing.TB) { e.closed.Do(func() { e.closeNow(t) }) }

// closeFirst registers close again, after a driver was made: cleanups run
// last registered first, so the tasks are cleaned up through the driver
// before the cleanups that the harness registered while making it (such
// as plugin.TestDriver's, which stops its server).
func (e *env) closeFirst(t testing.TB) { t.Cleanup(func() { e.close(t) }) }

func (e *env) closeNow(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeouts.Finish)
	defer cancel()
	e.mu.Lock()
	ids := slices.Clone(e.started)
	e.mu.Unlock()
	for _, id := range ids {
		if err := e.d.Cleanup(ctx, id); err != nil {
			t.Errorf("drivertest: cleanup of task %s: %v", id, err)
		}
	}
	e.h.Close()
}

// newID returns a task ID unique to this run: a DNS-1123 label.
func (e *env) newID(what string) string {
	return fmt.Sprintf("dt-%s-%s-%d", what, e.run, seq.Add(1))
}

// start prepares task with the harness and starts it; it is cleaned up
// when the subtest ends.
func (e *env) start(t testing.TB, task *drivers.Task, b Behaviour) {
	t.Helper()
	e.prepare(t, task, b)
	require.NoError(t, e.d.Start(e.ctx, task), "Start %s", task.ID)
}

// prepare lets the harness adapt task, and records it for cleanup.
func (e *env) prepare(t testing.TB, task *drivers.Task, b Behaviour) {
	t.Helper()
	require.NoError(t, e.h.PrepareTask(e.ctx, task, b), "PrepareTask %s", task.ID)
	e.mu.Lock()
	e.started = append(e.started, task.ID)
	e.mu.Unlock()
}

// status returns the status of id, which must be known.
func (e *env) status(t testing.TB, id string) *drivers.TaskStatus {
	t.Helper()
	st, err := e.d.Status(e.ctx, id)
	require.NoError(t, err, "Status %s", id)
	require.NotNil(t, st, "Status %s returned nil and no error", id)
	require.Equal(t, id, st.ID, "Status reports the task's ID")
	return st
}

// waitFor polls the status of id until done accepts it, for at most max.
func (e *env) waitFor(t testing.TB, id string, max time.Duration, what string, done func(*drivers.TaskStatus) bool) *drivers.TaskStatus {
	t.Helper()
	deadline := time.Now().Add(max)
	var last *drivers.TaskStatus
	for {
		last = e.status(t, id)
		if done(last) {
			return last
		}
		if time.Now().After(deadline) {
			require.FailNowf(t, "timeout", "task %s is not %s after %s; last status: %s", id, what, max, describe(last))
		}
		time.Sleep(pollEvery)
	}
}

// waitTerminal waits for id to finish.
func (e *env) waitTerminal(t testing.TB, id string) *drivers.TaskStatus {
	t.Helper()
	return e.waitFor(t, id, e.timeouts.Finish, "finished", func(s *drivers.TaskStatus) bool { return s.Phase.IsTerminal() })
}

// waitSucceeded waits for id to finish and requires that it succeeded.
func (e *env) waitSucceeded(t testing.TB, id string) *drivers.TaskStatus {
	t.Helper()
	st := e.waitTerminal(t, id)
	require.Equal(t, drivers.Succeeded, st.Phase, "task %s: %s", id, describe(st))
	return st
}

// waitRunning waits until id runs; it must not finish first.
func (e *env) waitRunning(t testing.TB, id string) *drivers.TaskStatus {
	t.Helper()
	st := e.waitFor(t, id, e.timeouts.Finish, "running", func(s *drivers.TaskStatus) bool {
		return s.Phase == drivers.Running || s.Phase.IsTerminal()
	})
	require.Equal(t, drivers.Running, st.Phase, "task %s finished instead of running: %s", id, describe(st))
	return st
}

// requireSameStatus checks that two statuses of a finished task are the
// same, times compared as instants.
func requireSameStatus(t testing.TB, want, got *drivers.TaskStatus, msgAndArgs ...any) {
	t.Helper()
	norm := func(s *drivers.TaskStatus) drivers.TaskStatus {
		c := *s
		c.StartTime, c.CompletionTime = c.StartTime.UTC(), c.CompletionTime.UTC()
		return c
	}
	require.Equal(t, norm(want), norm(got), msgAndArgs...)
}

func describe(s *drivers.TaskStatus) string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("phase=%s code=%s message=%q log=%q", s.Phase, s.ErrorCode, s.Message, s.LogTail)
}

// supports reports whether the driver declares every (kind, type) pair.
func (e *env) supports(t v1alpha1.BackupType, kinds ...drivers.TaskKind) bool {
	for _, k := range kinds {
		if !e.caps.Supports(k, t) {
			return false
		}
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
