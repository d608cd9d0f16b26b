package plugin

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/dpsdk/dataprotection/drivers"
)

// Defaults of ManagerOptions.
const (
	// DefaultStartTimeout bounds a process's start: the handshake and the
	// Describe call.
	DefaultStartTimeout = 30 * time.Second
	// DefaultHealthInterval is the time between two health checks of a
	// process.
	DefaultHealthInterval = 30 * time.Second
	// DefaultHealthTimeout bounds one health check.
	DefaultHealthTimeout = 5 * time.Second
	// DefaultHealthFailures is how many health checks in a row may fail
	// before the process is killed (and restarted by the next call).
	DefaultHealthFailures = 3
	// DefaultMaxRestarts is how many times a plugin may be restarted
	// within RestartWindow.
	DefaultMaxRestarts = 5
	// DefaultRestartWindow is the window of MaxRestarts.
	DefaultRestartWindow = time.Minute
	// DefaultStuckCalls is how many calls in a row may time out before a
	// process is taken as stuck and killed.
	DefaultStuckCalls = 3
)

// ManagerOptions configure a Manager. Only Binaries is required.
type ManagerOptions struct {
	// Binaries are the plugins to run, typically from Discover. Their
	// names must be valid and unique.
	Binaries []Binary
	// Env is extra environment (KEY=VALUE) for every plugin process, after
	// the host's own (which plugins inherit) and before Binary.Env; later
	// entries win.
	Env []string
	// StartTimeout bounds each start of a process: the go-plugin
	// handshake and the Describe call. Default DefaultStartTimeout.
	StartTimeout time.Duration
	// HealthInterval is the time between two health checks of each
	// process; negative disables them. Default DefaultHealthInterval.
	HealthInterval time.Duration
	// HealthTimeout bounds one health check. Default DefaultHealthTimeout.
	HealthTimeout time.Duration
	// HealthFailures is how many health checks in a row may fail before
	// the process is killed. Default DefaultHealthFailures.
	HealthFailures int
	// MaxRestarts is how many times each plugin may be restarted within
	// RestartWindow; past it, calls fail with code Unavailable until the
	// window has room again. Default DefaultMaxRestarts.
	MaxRestarts int
	// RestartWindow is the sliding window of MaxRestarts. Default
	// DefaultRestartWindow.
	RestartWindow time.Duration
	// StuckCalls is how many calls of a process in a row may end past
	// their context's deadline before the process is taken as stuck and
	// killed (the next call restarts it): a process blocked for ever (in a
	// write to a full pipe, say) may answer health checks and nothing else.
	// Default DefaultStuckCalls; negative never.
	StuckCalls int
	// Logger receives the Manager's log lines (starts, exits, restarts,
	// health) and the plugins' own log lines. Default logr.Discard().
	Logger logr.Logger
}

func (o *ManagerOptions) setDefaults() {
	if o.StartTimeout <= 0 {
		o.StartTimeout = DefaultStartTimeout
	}
	if o.HealthInterval == 0 {
		o.HealthInterval = DefaultHealthInterval
	}
	if o.HealthTimeout <= 0 {
		o.HealthTimeout = DefaultHealthTimeout
	}
	if o.HealthFailures <= 0 {
		o.HealthFailures = DefaultHealthFailures
	}
	if o.MaxRestarts <= 0 {
		o.MaxRestarts = DefaultMaxRestarts
	}
	if o.RestartWindow <= 0 {
		o.RestartWindow = DefaultRestartWindow
	}
	if o.StuckCalls == 0 {
		o.StuckCalls = DefaultStuckCalls
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
}

// Manager runs plugin processes and gives the drivers they serve. Each
// binary runs as one long-lived process, health-checked, restarted when it
// crashes, and killed by Close. It is safe for concurrent use.
type Manager struct {
	procs    []*process
	registry drivers.Registry

	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// PluginInfo describes one plugin process of a Manager.
type PluginInfo struct {
	// Name and Path are the Binary's.
	Name, Path string
	// Version is the plugin's own version, as it reported it.
	Version string
	// Drivers are the registry names of the drivers it serves, sorted.
	Drivers []string
	// PID is the process's ID; 0 while none runs.
	PID int
	// Restarts is how many times the process was restarted.
	Restarts int
}

// NewManager starts every binary of opts (concurrently), checks that each
// speaks protocol version ProtocolVersion and serves valid driver names, and
// returns a Manager whose Drivers serve those names. Each start is bounded by
// ctx and opts.StartTimeout. Errors have code InvalidArgument for invalid
// options (bad or duplicate binary names, a driver name served by two
// binaries) and FailedPrecondition for a binary that does not start as a
// plugin of this protocol: one that is not a plugin, speaks another protocol
// version, or does not finish its handshake in time. The error names every
// binary that failed; no process is left running.
func NewManager(ctx context.Context, opts ManagerOptions) (*Manager, error) {
	opts.setDefaults()
	if err := validateBinaries(opts.Binaries); err != nil {
		return nil, err
	}
	m := &Manager{stop: make(chan struct{}), registry: drivers.Registry{}}
	for _, b := range opts.Binaries {
		m.procs = append(m.procs, newProcess(b, &opts))
	}
	errs := make([]error, len(m.procs))
	var wg sync.WaitGroup
	for i, p := range m.procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.startFirst(ctx)
		}()
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err == nil {
		err = m.register()
	}
	if err != nil {
		_ = m.Close()
		return nil, err
	}
	for _, p := range m.procs {
		if opts.HealthInterval > 0 {
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				p.watch(m.stop)
			}()
		}
	}
	return m, nil
}

func validateBinaries(bins []Binary) error {
	seen := map[string]bool{}
	var errs []error
	for _, b := range bins {
		if err := ValidateName(b.Name); err != nil {
			errs = append(errs, fmt.Errorf("plugin binary %s: %w", b.Path, err))
		} else if seen[b.Name] {
			errs = append(errs, fmt.Errorf("duplicate plugin name %q", b.Name))
		}
		seen[b.Name] = true
		if b.Path == "" {
			errs = append(errs, fmt.Errorf("plugin %q: no path", b.Name))
		}
	}
	if len(errs) > 0 {
		return drivers.Errorf(drivers.InvalidArgument, "plugin manager: %w", errors.Join(errs...))
	}
	return nil
}

// register fills the registry from the names the processes serve, and
// rejects a name served twice.
func (m *Manager) register() error {
	owner := map[string]*process{}
	var errs []error
	for _, p := range m.procs {
		for _, name := range p.names {
			if o, dup := owner[name]; dup {
				errs = append(errs, fmt.Errorf("driver %q is served by both plugin %q (%s) and plugin %q (%s)",
					name, o.bin.Name, o.bin.Path, p.bin.Name, p.bin.Path))
				continue
			}
			owner[name] = p
			m.registry[name] = &remoteDriver{name: name, c: p}
		}
	}
	if len(errs) > 0 {
		return drivers.Errorf(drivers.InvalidArgument, "plugin manager: %w", errors.Join(errs...))
	}
	return nil
}

// Drivers returns the drivers the plugins serve, by registry name: a new
// map, to merge into the host's drivers.Registry. Each driver's calls go to
// its plugin's current process; a call that finds the process dead restarts
// it, and a call in flight when the process dies is retried once on the new
// process (every SPI method is idempotent). Besides the drivers.Driver
// methods, each driver has a Health(ctx) error method, and implements
// drivers.Notifier: over the protocol when the plugin's driver notifies
// (its capabilities say so), with an Unimplemented error otherwise.
func (m *Manager) Drivers() drivers.Registry {
	out := make(drivers.Registry, len(m.registry))
	for n, d := range m.registry {
		out[n] = d
	}
	return out
}

// Plugins describes the plugin processes, sorted by name.
func (m *Manager) Plugins() []PluginInfo {
	out := make([]PluginInfo, 0, len(m.procs))
	for _, p := range m.procs {
		out = append(out, p.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Close stops the health checks and kills every plugin process: each is
// asked to exit and killed if it has not within two seconds. Calls after
// Close fail with code FailedPrecondition. Idempotent; it returns nil.
func (m *Manager) Close() error {
	m.closeOnce.Do(func() {
		close(m.stop)
		var wg sync.WaitGroup
		for _, p := range m.procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.close()
			}()
		}
		wg.Wait()
		m.wg.Wait()
	})
	return nil
}
