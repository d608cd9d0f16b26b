package drivertest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
)

// malformed returns variants of a well-formed task that drivers.ValidateTask
// rejects, by what is wrong with them; those that do not apply to the task
// (a path when it has no storage, say) are left out.
func malformed(task *drivers.Task) map[string]*drivers.Task {
	out := map[string]*drivers.Task{}
	vary := func(name string, change func(t *drivers.Task)) {
		t := *task
		if task.Storage != nil {
			s := *task.Storage
			t.Storage = &s
		}
		t.Steps = append([]drivers.Step(nil), task.Steps...)
		t.Env = append([]corev1.EnvVar(nil), task.Env...)
		change(&t)
		out[name] = &t
	}
	for _, id := range []string{"", "Not_A_Label", "a/../b", strings.Repeat("a", 64)} {
		vary("ID "+id, func(t *drivers.Task) { t.ID = id })
	}
	vary("unknown kind", func(t *drivers.Task) { t.Kind = "frobnicate" })
	vary("variable name with =", func(t *drivers.Task) { t.Env = append(t.Env, corev1.EnvVar{Name: "A=B", Value: "x"}) })
	vary("empty envFrom source", func(t *drivers.Task) { t.EnvFrom = []corev1.EnvFromSource{{Prefix: "X_"}} })
	if task.Storage != nil {
		vary("storage path with ..", func(t *drivers.Task) { t.Storage.Path = Dir + "/../../etc" })
		vary("absolute storage path", func(t *drivers.Task) { t.Storage.Path = "/etc" })
	}
	if len(task.Steps) > 0 {
		vary("NUL in a command", func(t *drivers.Task) { t.Steps = []drivers.Step{step("nul", "echo a\x00b")} })
	}
	return out
}

// testMalformedTasks starts malformed variants of a task the driver runs:
// each is refused with InvalidArgument, and nothing is started.
func testMalformedTasks(t *testing.T, e *env) {
	task := e.anyTask(t)
	e.prepare(t, task, Succeed)
	for name, bad := range malformed(task) {
		err := e.d.Start(e.ctx, bad)
		require.Error(t, err, "Start of a task with %s", name)
		assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "Start of a task with %s: %v", name, err)
		assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(drivers.ValidateTask(bad)),
			"drivertest: %s is not malformed for drivers.ValidateTask", name)
	}
	_, err := e.d.Status(e.ctx, task.ID)
	assert.True(t, drivers.IsNotFound(err), "a malformed task of the same ID started it: %v", err)
}
