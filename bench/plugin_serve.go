package bench

import (
	"os"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/plugin"
)

// PluginServeEnv, set to 1 in a process's environment, makes
// ServePluginIfAsked serve the instant driver as a plugin: the figure's
// subprocess is the benchmark's own binary (the runner, or a test binary),
// started again by a plugin.Manager.
const PluginServeEnv = "DP_BENCH_SERVE_PLUGIN"

// PluginDriverName is the name the benchmark's plugin serves its driver
// under.
const PluginDriverName = "bench-instant"

// ServePluginIfAsked serves the instant driver over the plugin protocol and
// returns true when PluginServeEnv asks for it (the caller then exits); it
// returns false at once otherwise. Call it first thing in main or TestMain.
func ServePluginIfAsked() bool {
	if os.Getenv(PluginServeEnv) != "1" {
		return false
	}
	plugin.Serve(plugin.ServeOptions{Drivers: map[string]drivers.Driver{PluginDriverName: newInstantDriver()}, Version: "bench"})
	return true
}

func servePluginIfAsked() bool { return ServePluginIfAsked() }
