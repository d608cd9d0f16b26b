package plugin

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/dpsdk/dataprotection/drivers"
)

// ServeOptions says what a plugin binary serves.
type ServeOptions struct {
	// Drivers are the drivers the binary serves, by registry name (see
	// ValidateName). A host registers each under its name, and a
	// BackupTool selects one with the annotation
	// dataprotection.kubeblocks.io/driver: <name>. At least one.
	Drivers map[string]drivers.Driver
	// Version is the plugin's own version (free form, such as "1.2.0"),
	// which the host logs and reports. Optional.
	Version string
}

func (o ServeOptions) validate() error {
	if len(o.Drivers) == 0 {
		return errors.New("ServeOptions.Drivers is empty: a plugin serves at least one driver")
	}
	names := make([]string, 0, len(o.Drivers))
	for n := range o.Drivers {
		names = append(names, n)
	}
	sort.Strings(names)
	var errs []error
	for _, n := range names {
		if err := ValidateName(n); err != nil {
			errs = append(errs, err)
		}
		if o.Drivers[n] == nil {
			errs = append(errs, fmt.Errorf("driver %q is nil", n))
		}
	}
	return errors.Join(errs...)
}

// Serve serves opts.Drivers to the host that started this process, over
// the go-plugin handshake (magic cookie, protocol version ProtocolVersion,
// automatic mutual TLS when the host asks for it, as the Manager does) and
// gRPC. A plugin's main calls it and nothing else:
//
//	d, err := local.New(local.Options{Root: "/var/lib/my-tool"}) // or a driver of your own
//	if err != nil {
//		log.Fatal(err)
//	}
//	plugin.Serve(plugin.ServeOptions{Drivers: map[string]drivers.Driver{"my-tool": d}, Version: "1.0.0"})
//
// Serve returns when the host closes the plugin. A task that
// drivers.ValidateTask rejects never reaches the drivers: Start answers
// InvalidArgument itself. A panic in a driver method
// becomes an error with code Internal that names the driver, the method and
// the panic value; the process goes on serving. Logs go to standard error,
// which the host reads. Standard output carries the handshake, so Serve
// points file descriptor 1 at standard error before it starts: whatever the
// plugin (or a child process) writes to descriptor 1 shows in its log and
// can never block it. Started by hand (without the host's magic cookie),
// or with invalid options, Serve prints why on standard error and exits the
// process with status 1.
func Serve(opts ServeOptions) {
	if err := opts.validate(); err != nil {
		fmt.Fprintf(os.Stderr, "plugin.Serve: %v\n", err)
		os.Exit(1)
	}
	guardStdout()
	serve(opts, ProtocolVersion)
}

// serve is Serve speaking protocol version v (tests speak others).
func serve(opts ServeOptions, v uint) {
	log := hclog.New(&hclog.LoggerOptions{Name: "dataprotection-plugin", Level: hclog.Info, Output: os.Stderr, JSONFormat: true})
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: handshake(v),
		Plugins:         goplugin.PluginSet{pluginName: &grpcPlugin{srv: newServer(opts.Drivers, opts.Version, log)}},
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger:          log,
	})
}
