package plugin_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
)

// testDriverHarness is the harness a plugin author writes: their driver
// (here the local driver) behind plugin.TestDriver, restarted over the
// same directories.
type testDriverHarness struct {
	t           testing.TB
	root, state string
	local       *local.Driver
}

func (h *testDriverHarness) MakeDriver(context.Context) (drivers.Driver, error) {
	d, err := local.New(local.Options{Root: h.root, StateDir: h.state})
	if err != nil {
		return nil, err
	}
	h.local = d
	return plugin.TestDriver(h.t, d), nil
}

func (h *testDriverHarness) RestartDriver(ctx context.Context) (drivers.Driver, error) {
	h.Close()
	return h.MakeDriver(ctx)
}

func (h *testDriverHarness) PrepareTask(context.Context, *drivers.Task, drivertest.Behaviour) error {
	return nil
}

func (h *testDriverHarness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, claim, filepath.FromSlash(name)))
}

func (h *testDriverHarness) Close() {
	if h.local != nil {
		_ = h.local.Close()
		h.local = nil
	}
}

func (h *testDriverHarness) Timeouts() drivertest.Timeouts {
	return drivertest.Timeouts{Finish: time.Minute, Prompt: 10 * time.Second}
}

// TestConformanceTestDriver runs the conformance suite through
// plugin.TestDriver, as a plugin author's tests do, restart case included.
func TestConformanceTestDriver(t *testing.T) {
	drivertest.RunConformanceTests(t, func(_ context.Context, t testing.TB) (drivertest.Harness, error) {
		dir := t.TempDir()
		return &testDriverHarness{t: t, root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}, nil
	})
}
