package drivertest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func basicCases() []testCase {
	return []testCase{
		{"Status of an unknown ID is NotFound", testStatusUnknown},
		{"Cancel and Cleanup of an unknown ID return nil", testUnknownIsNoop},
		{"Capabilities are stable across calls", testCapabilitiesStable},
		{"calls with a cancelled context return promptly", testCancelledContext},
		{"errors carry codes through wrapping", testErrorCodes},
		{"malformed tasks are refused with InvalidArgument", testMalformedTasks},
	}
}

func testStatusUnknown(t *testing.T, e *env) {
	st, err := e.d.Status(e.ctx, e.newID("unknown"))
	require.Error(t, err, "Status of an unknown ID")
	assert.Nil(t, st)
	assert.Equal(t, drivers.NotFound, drivers.ErrorCode(err), "code of %v", err)
	var de *drivers.Error
	assert.True(t, errors.As(err, &de), "the error is a *drivers.Error: %T %v", err, err)
}

func testUnknownIsNoop(t *testing.T, e *env) {
	id := e.newID("unknown")
	require.NoError(t, e.d.Cancel(e.ctx, id))
	require.NoError(t, e.d.Cleanup(e.ctx, id))
	_, err := e.d.Status(e.ctx, id)
	require.True(t, drivers.IsNotFound(err), "Status after Cancel and Cleanup of an unknown ID: %v", err)
}

func testCapabilitiesStable(t *testing.T, e *env) {
	require.NotEmpty(t, e.caps.Kinds, "a driver runs some task kind")
	require.NotEmpty(t, e.caps.BackupTypes, "a driver runs tasks of some backup type")
	for _, k := range e.caps.Kinds {
		assert.Contains(t, drivers.TaskKinds, k, "unknown task kind")
	}
	for _, bt := range e.caps.BackupTypes {
		assert.Contains(t, v1alpha1.BackupTypes, bt, "unknown backup type")
	}
	for range 3 {
		again, err := e.d.Capabilities(e.ctx)
		require.NoError(t, err)
		require.Equal(t, e.caps, again, "Capabilities changed between calls")
	}
}

// testCancelledContext calls every method with a cancelled context: each
// returns promptly, and Start returns an error with code Canceled without
// starting the task.
func testCancelledContext(t *testing.T, e *env) {
	task := e.anyTask(t)
	e.prepare(t, task, Block)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	prompt := func(name string, call func() error) error {
		start := time.Now()
		err := call()
		assert.Less(t, time.Since(start), e.timeouts.Prompt, "%s with a cancelled context took too long", name)
		return err
	}
	err := prompt("Start", func() error { return e.d.Start(ctx, task) })
	require.Error(t, err, "Start with a cancelled context")
	assert.Equal(t, drivers.Canceled, drivers.ErrorCode(err), "code of %v", err)
	_, err = e.d.Status(e.ctx, task.ID)
	assert.True(t, drivers.IsNotFound(err), "a Start with a cancelled context started the task: %v", err)

	_ = prompt("Status", func() error { _, err := e.d.Status(ctx, task.ID); return err })
	_ = prompt("Cancel", func() error { return e.d.Cancel(ctx, task.ID) })
	_ = prompt("Cleanup", func() error { return e.d.Cleanup(ctx, task.ID) })
	_ = prompt("Capabilities", func() error { _, err := e.d.Capabilities(ctx); return err })
}

// anyTask returns a task the driver runs: of the command flavour, else a
// snapshot backup.
func (e *env) anyTask(t *testing.T) *drivers.Task {
	fs := e.flavours()
	if len(fs) == 0 {
		t.Skip("drivertest: the driver runs neither tasks with commands nor snapshot backups")
	}
	return e.behaving(fs[0], Block)
}

// testErrorCodes starts a well-formed task of a kind and type the driver
// does not declare: Unimplemented, as a *drivers.Error.
func testErrorCodes(t *testing.T, e *env) {
	kind, typ, ok := e.unsupported()
	if !ok {
		return
	}
	snapshot := typ == v1alpha1.BackupTypeSnapshot && kind != drivers.KindHook && kind != drivers.KindStatusUpdate
	other := e.behaving(flavour{kind: kind, typ: typ, snapshot: snapshot}, Succeed) // well formed, unsupported
	e.prepare(t, other, Succeed)
	err := e.d.Start(e.ctx, other)
	require.Error(t, err, "Start of a %s task of a %s backup, which the driver does not declare", kind, typ)
	assert.Equal(t, drivers.Unimplemented, drivers.ErrorCode(err), "code of %v", err)
	var de *drivers.Error
	assert.True(t, errors.As(err, &de), "the error is a *drivers.Error: %T %v", err, err)
}

// unsupported returns a kind and type the driver does not run.
func (e *env) unsupported() (drivers.TaskKind, v1alpha1.BackupType, bool) {
	for _, k := range drivers.TaskKinds {
		for _, bt := range v1alpha1.BackupTypes {
			if !e.caps.Supports(k, bt) && slices.Contains(e.caps.Kinds, k) {
				return k, bt, true
			}
		}
	}
	return "", "", false
}
