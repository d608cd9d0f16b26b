package memdriver_test

import (
	"context"
	"io/fs"
	"math"
	"sync"
	"testing"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TestConformance runs the driver SPI's suite against memdriver as a
// snapshot driver: the harness scripts each task's outcome from the
// behaviour the suite asks for. It runs no commands, so the suite skips
// the cases of tasks with commands.
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, func(context.Context, testing.TB) (drivertest.Harness, error) {
		return &harness{behaviours: map[string]drivertest.Behaviour{}}, nil
	})
}

// harness plays the snapshot controller: a task ends as PrepareTask was
// told.
type harness struct {
	mu         sync.Mutex
	behaviours map[string]drivertest.Behaviour
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	d := memdriver.New(h.outcome)
	d.Caps = &drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore},
		BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeSnapshot}}
	return d, nil
}

func (h *harness) PrepareTask(_ context.Context, task *drivers.Task, b drivertest.Behaviour) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.behaviours[task.ID] = b
	return nil
}

// outcome is the driver's script.
func (h *harness) outcome(t *drivers.Task) memdriver.Outcome {
	h.mu.Lock()
	b := h.behaviours[t.ID]
	h.mu.Unlock()
	switch {
	case b == drivertest.Fail:
		return memdriver.Outcome{Fail: true, Message: "the snapshot failed", Code: drivers.Unknown}
	case b == drivertest.Block:
		return memdriver.Outcome{Polls: math.MaxInt}
	case t.Kind == drivers.KindRestore:
		return memdriver.Outcome{}
	}
	return memdriver.Outcome{TotalSize: 1 << 20, Snapshots: []drivers.Snapshot{{VolumeSnapshotName: t.ID, RestoreSize: 1 << 20}}}
}

// ReadFile finds nothing: the driver runs no commands.
func (h *harness) ReadFile(context.Context, string, string) ([]byte, error) {
	return nil, fs.ErrNotExist
}

func (h *harness) Close() {}
