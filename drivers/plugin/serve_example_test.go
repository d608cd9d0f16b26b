package plugin_test

import (
	"context"
	"log"
	"maps"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
)

// A plugin's main: it serves its drivers by registry name until the host
// closes it (compiled, not run: Serve expects a host at the other end).
// examples/plugin is a complete plugin.
func ExampleServe() {
	d, err := local.New(local.Options{Root: "/var/lib/my-tool"}) // or a driver of your own
	if err != nil {
		log.Fatal(err)
	}
	plugin.Serve(plugin.ServeOptions{Drivers: map[string]drivers.Driver{"my-tool": d}, Version: "1.0.0"})
}

// A host starts the plugins of a directory and registers their drivers
// beside its own; a BackupTool selects one with the annotation
// dataprotection.kubeblocks.io/driver (compiled, not run: it needs plugin
// binaries).
func ExampleNewManager() {
	ctx := context.Background()
	jobDriver, err := local.New(local.Options{Root: "/var/lib/backups"})
	if err != nil {
		log.Fatal(err)
	}
	bins, err := plugin.Discover("/usr/libexec/dataprotection/plugins")
	if err != nil {
		log.Fatal(err)
	}
	m, err := plugin.NewManager(ctx, plugin.ManagerOptions{Binaries: bins})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	registry := drivers.Registry{drivers.NameJob: jobDriver}
	maps.Copy(registry, m.Drivers())
	log.Println("drivers:", registry.Names())
}
