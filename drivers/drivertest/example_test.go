package drivertest_test

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

// harness is the harness a plugin author writes: their driver (here the
// local driver) behind plugin.TestDriver, restarted over the same
// directories. Its commands run on this machine, so PrepareTask has nothing
// to do, and ReadFile reads the claim's directory under root.
type harness struct {
	t           testing.TB
	root, state string
	local       *local.Driver
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	d, err := local.New(local.Options{Root: h.root, StateDir: h.state})
	if err != nil {
		return nil, err
	}
	h.local = d
	return plugin.TestDriver(h.t, d), nil
}

func (h *harness) RestartDriver(ctx context.Context) (drivers.Driver, error) {
	h.Close()
	return h.MakeDriver(ctx)
}

func (h *harness) PrepareTask(context.Context, *drivers.Task, drivertest.Behaviour) error {
	return nil
}

func (h *harness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, claim, filepath.FromSlash(name)))
}

func (h *harness) Close() {
	if h.local != nil {
		_ = h.local.Close()
		h.local = nil
	}
}

func (h *harness) Timeouts() drivertest.Timeouts {
	return drivertest.Timeouts{Finish: time.Minute, Prompt: 10 * time.Second}
}

// newHarness returns the harness of one subtest, over directories of its
// own.
func newHarness(t testing.TB) (drivertest.Harness, error) {
	dir := t.TempDir()
	return &harness{t: t, root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}, nil
}

// A plugin author's conformance test: the driver (here the local driver)
// served through the plugin protocol in the test's process by
// plugin.TestDriver, its state kept in directories that outlive a restart
// (the harness is a Restarter). The package's own TestConformance runs
// exactly this.
func ExampleRunConformanceTests() {
	TestConformance := func(t *testing.T) {
		drivertest.RunConformanceTests(t, func(ctx context.Context, t testing.TB) (drivertest.Harness, error) {
			return newHarness(t) // the driver, plus what its backend needs
		})
	}
	_ = TestConformance
}
