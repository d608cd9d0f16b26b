package plugin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/dpsdk/dataprotection/drivers"
)

// inProcessTimeout bounds the start of an in-process server.
const inProcessTimeout = 30 * time.Second

// TestDrivers serves opts in this process over the plugin protocol, as
// InProcess does, and returns a client driver for each served name: what a
// host would get from a Manager, without a subprocess. Plugin authors use it
// to run their driver through the wire in tests, for example with the
// drivertest conformance suite, restart case included (a harness's
// RestartDriver may call it again over the same backend state). The server
// logs to t; it stops when the test ends, in a t.Cleanup: cleanups
// registered after the call (drivertest's cleanup of its tasks) still reach
// it.
func TestDrivers(t testing.TB, opts ServeOptions) drivers.Registry {
	t.Helper()
	log, quiet := testLogger(t)
	reg, stop, err := serveInProcess(opts, log)
	if err != nil {
		quiet()
		t.Fatalf("plugin.TestDrivers: %v", err)
	}
	t.Cleanup(func() {
		quiet() // stopping logs errors of closed connections
		stop()
	})
	return reg
}

// TestDriver serves d in this process as TestDrivers does, under the name
// "test", and returns its client.
func TestDriver(t testing.TB, d drivers.Driver) drivers.Driver {
	t.Helper()
	return TestDrivers(t, ServeOptions{Drivers: map[string]drivers.Driver{"test": d}})["test"]
}

// InProcess serves opts in this process, with go-plugin's test serving mode
// (the real server, on a local socket, without the handshake's cookie and
// without a subprocess), and returns a client driver for each served name
// and a function that closes the connection and stops the server. Calls
// cross the wire exactly as with a Manager, so the drivers behave as a
// plugin's would, minus crash recovery: there is no process to restart.
func InProcess(opts ServeOptions) (drivers.Registry, func(), error) {
	return serveInProcess(opts, hclog.NewNullLogger())
}

func serveInProcess(opts ServeOptions, log hclog.Logger) (drivers.Registry, func(), error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	srv := newServer(opts.Drivers, opts.Version, log)
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *goplugin.ReattachConfig, 1)
	closed := make(chan struct{})
	go goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: handshake(ProtocolVersion),
		Plugins:         goplugin.PluginSet{pluginName: &grpcPlugin{srv: srv}},
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger:          log,
		Test:            &goplugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed},
	})
	stopServer := func() { cancel(); <-closed }
	var cfg *goplugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case <-closed:
		cancel()
		return nil, nil, errors.New("the in-process plugin server stopped before it served")
	case <-time.After(inProcessTimeout):
		stopServer()
		return nil, nil, errors.New("the in-process plugin server did not start")
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake(ProtocolVersion),
		Plugins:          goplugin.PluginSet{pluginName: &grpcPlugin{}},
		Reattach:         cfg,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           log,
	})
	rpc, err := client.Client()
	var raw any
	if err == nil {
		raw, err = rpc.Dispense(pluginName)
	}
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			// Close only the connection: the server is stopped through its
			// context (go-plugin's Shutdown call would race with that).
			_ = rpc.(*goplugin.GRPCClient).Conn.Close()
			stopServer()
		})
	}
	c := directCaller{rpc: raw.(*conn).rpc}
	reg := drivers.Registry{}
	for _, name := range srv.names {
		reg[name] = &remoteDriver{name: name, c: c}
	}
	return reg, stop, nil
}

// testLogger returns a logger that writes to t until quiet is called.
func testLogger(t testing.TB) (log hclog.Logger, quiet func()) {
	w := &testWriter{t: t}
	return hclog.New(&hclog.LoggerOptions{Name: "plugin", Level: hclog.Info, Output: w, DisableTime: true}), w.stop
}

type testWriter struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}
