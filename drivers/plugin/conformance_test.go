package plugin_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	"github.com/dpsdk/dataprotection/examples/plugin/tardriver"
)

// exampleName is the driver name the example plugin serves.
const exampleName = "tar-gzip"

// harness runs the example plugin's driver for drivertest: in this process
// behind the plugin protocol (plugin.TestDrivers), or as a real subprocess
// started by a plugin.Manager. Its storage root and state directory outlive
// a restart, so it is a drivertest.Restarter.
type harness struct {
	t          testing.TB
	subprocess bool
	root       string
	state      string

	mgr    *plugin.Manager
	direct *tardriver.Driver
	stop   func()
}

func newHarness(subprocess bool) drivertest.HarnessMaker {
	return func(_ context.Context, t testing.TB) (drivertest.Harness, error) {
		dir := t.TempDir()
		return &harness{t: t, subprocess: subprocess, root: filepath.Join(dir, "root"), state: filepath.Join(dir, "state")}, nil
	}
}

// exampleBinaries discovers the example plugin built by TestMain.
func exampleBinaries(t testing.TB) []plugin.Binary {
	bins, err := plugin.Discover(plugin.ExampleBinaryDir)
	require.NoError(t, err)
	require.Len(t, bins, 1)
	return bins
}

// exampleEnv is the example plugin's environment over root and state.
func exampleEnv(root, state string) []string {
	return []string{"TARDRIVER_ROOT=" + root, "TARDRIVER_STATE_DIR=" + state}
}

func (h *harness) MakeDriver(ctx context.Context) (drivers.Driver, error) {
	if h.subprocess {
		m, err := plugin.NewManager(ctx, plugin.ManagerOptions{Binaries: exampleBinaries(h.t), Env: exampleEnv(h.root, h.state)})
		if err != nil {
			return nil, err
		}
		h.mgr = m
		return m.Drivers().Lookup(exampleName)
	}
	d, err := tardriver.New(tardriver.Options{Local: local.Options{Root: h.root, StateDir: h.state},
		Exe: filepath.Join(plugin.ExampleBinaryDir, exampleName)})
	if err != nil {
		return nil, err
	}
	h.direct = d
	reg, stop, err := plugin.InProcess(plugin.ServeOptions{Drivers: map[string]drivers.Driver{exampleName: d}})
	if err != nil {
		return nil, err
	}
	h.stop = stop
	return reg.Lookup(exampleName)
}

func (h *harness) RestartDriver(ctx context.Context) (drivers.Driver, error) {
	h.Close()
	return h.MakeDriver(ctx)
}

func (h *harness) PrepareTask(context.Context, *drivers.Task, drivertest.Behaviour) error { return nil }

func (h *harness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, claim, filepath.FromSlash(name)))
}

func (h *harness) Close() {
	if h.mgr != nil {
		_ = h.mgr.Close()
		h.mgr = nil
	}
	if h.stop != nil {
		h.stop()
		h.stop = nil
	}
	if h.direct != nil {
		_ = h.direct.Close()
		h.direct = nil
	}
}

func (h *harness) Timeouts() drivertest.Timeouts {
	return drivertest.Timeouts{Finish: time.Minute, Prompt: 10 * time.Second}
}

// TestConformanceInProcess runs the conformance suite against the example
// plugin's driver served in this process, through the wire protocol.
func TestConformanceInProcess(t *testing.T) {
	drivertest.RunConformanceTests(t, newHarness(false))
}

// TestConformanceSubprocess runs the conformance suite against the example
// plugin built from examples/plugin and run by a Manager.
func TestConformanceSubprocess(t *testing.T) {
	drivertest.RunConformanceTests(t, newHarness(true))
}

// BenchmarkDriverSubprocess runs the drivertest benchmarks (Start+Status of
// new tasks, Status polling, whole-task latency) against the example plugin
// as a real subprocess.
func BenchmarkDriverSubprocess(b *testing.B) { drivertest.BenchmarkDriver(b, newHarness(true)) }

// BenchmarkDriverInProcess runs them through the protocol in this process.
func BenchmarkDriverInProcess(b *testing.B) { drivertest.BenchmarkDriver(b, newHarness(false)) }
