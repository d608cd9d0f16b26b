// Command plugin is an example backup-tool plugin: the "tar-gzip" driver
// (package tardriver) served over the dataprotection plugin protocol. A host
// runs it through plugin.Manager; run by hand it explains that and exits.
//
// Environment: TARDRIVER_ROOT (required) is the local storage root, where a
// task's claim is the directory <root>/<claim>; TARDRIVER_STATE_DIR is where
// the tasks' state is kept (default <root>/.dataprotection-tasks).
package main

import (
	"fmt"
	"os"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/drivers/plugin"
	"github.com/dpsdk/dataprotection/examples/plugin/tardriver"
)

func main() {
	if tardriver.IsTool(os.Args[1:]) { // the archive and extract steps of tasks
		os.Exit(tardriver.RunTool(os.Args[1:], os.Stderr))
	}
	d, err := tardriver.New(tardriver.Options{Local: local.Options{
		Root: os.Getenv("TARDRIVER_ROOT"), StateDir: os.Getenv("TARDRIVER_STATE_DIR")}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "tar-gzip plugin:", err)
		os.Exit(1)
	}
	plugin.Serve(plugin.ServeOptions{Drivers: map[string]drivers.Driver{"tar-gzip": d}, Version: "1.0.0"})
}
