package local_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/drivers/local"
)

// harness runs the conformance suite on a local driver over fresh
// directories.
type harness struct {
	opts local.Options
	d    *local.Driver
}

func newHarness(_ context.Context, t testing.TB) (drivertest.Harness, error) {
	dir := t.TempDir()
	return &harness{opts: local.Options{Root: filepath.Join(dir, "root"), StateDir: filepath.Join(dir, "state"),
		KillGrace: 2 * time.Second}}, nil
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	d, err := local.New(h.opts)
	h.d = d
	return d, err
}

// PrepareTask leaves the suite's tasks as they are: the local driver runs
// their commands itself, in the claim's directory under Root.
func (h *harness) PrepareTask(context.Context, *drivers.Task, drivertest.Behaviour) error { return nil }

func (h *harness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.opts.Root, claim, filepath.FromSlash(name)))
}

func (h *harness) Close() {
	if h.d != nil {
		_ = h.d.Close()
	}
}

// RestartDriver closes the driver and makes a new one over the same
// directories, as a restarted engine would.
func (h *harness) RestartDriver(ctx context.Context) (drivers.Driver, error) {
	_ = h.d.Close()
	return h.MakeDriver(ctx)
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, newHarness)
}

func BenchmarkConformance(b *testing.B) {
	drivertest.BenchmarkDriver(b, newHarness)
}
