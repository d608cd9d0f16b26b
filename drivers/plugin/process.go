package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/dpsdk/dataprotection/drivers"
	pb "github.com/dpsdk/dataprotection/drivers/plugin/proto/v1"
)

// crashGrace is how long a call that failed in the transport waits for the
// process's exit to be noticed before it takes the failure as not a crash.
const crashGrace = 2 * time.Second

// process is one plugin binary and its current process.
type process struct {
	bin  Binary
	opts *ManagerOptions
	log  logr.Logger

	// names and version are what the first process reported; a restarted
	// process must serve the same names.
	names   []string
	version string

	mu       sync.Mutex
	cur      *instance     // the running process; nil when none
	starting chan struct{} // non-nil while a restart runs; closed after
	startErr error         // why the last restart failed
	restarts []time.Time   // restarts within the window, oldest first
	total    int           // restarts since the Manager started
	lastExit string        // how the last process ended, for errors
	closed   bool
	bg       sync.WaitGroup // restarts and kills in the background
}

// instance is one running plugin process.
type instance struct {
	client *goplugin.Client
	cmd    *exec.Cmd
	rpc    pb.DriverClient
	exited <-chan struct{}
	stderr *tailWriter
	pid    int

	healthFailures int          // consecutive; only the health loop touches it
	timeouts       atomic.Int32 // calls in a row that ended past their deadline
	broken         chan struct{}
	breakOnce      sync.Once
}

// dead reports whether the process exited or was found unhealthy.
func (in *instance) dead() bool {
	select {
	case <-in.exited:
		return true
	case <-in.broken:
		return true
	default:
		return false
	}
}

// killGrace is how long Close lets go-plugin stop a process gracefully
// (it asks the process to exit, then kills it after two seconds) before
// killing it outright: a process that does not answer (stopped, hung in the
// kernel) would block go-plugin's shutdown call for ever.
const killGrace = 5 * time.Second

// kill stops the process: through go-plugin, and with SIGKILL once grace
// has passed (at once for grace 0). The process is our child and is only
// reaped by go-plugin once it exited, so its PID cannot have been reused.
func (in *instance) kill(grace time.Duration) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		in.client.Kill()
	}()
	if grace > 0 {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
	if in.cmd.Process != nil {
		_ = in.cmd.Process.Kill()
	}
	<-done
}

// exitStatus describes how the process ended: its exit status and the end
// of its standard error. Only valid once exited is closed.
func (in *instance) exitStatus() string {
	s := fmt.Sprintf("process %d exited", in.pid)
	select {
	case <-in.exited:
		if ps := in.cmd.ProcessState; ps != nil {
			s = fmt.Sprintf("process %d exited (%s)", in.pid, ps)
		}
	default:
	}
	if tail := in.stderr.String(); tail != "" {
		s += "; its last output: " + tail
	}
	return s
}

func newProcess(b Binary, opts *ManagerOptions) *process {
	return &process{bin: b, opts: opts, log: opts.Logger.WithValues("plugin", b.Name)}
}

// startFirst starts the first process and records what it serves.
func (p *process) startFirst(ctx context.Context) error {
	in, desc, err := p.launch(ctx)
	if err != nil {
		return drivers.Errorf(drivers.FailedPrecondition, "plugin %q (%s): %w", p.bin.Name, p.bin.Path, err)
	}
	p.names, p.version = desc.GetDrivers(), desc.GetPluginVersion()
	p.mu.Lock()
	p.cur = in
	p.mu.Unlock()
	p.log.Info("plugin started", "pid", in.pid, "version", p.version, "drivers", p.names)
	return nil
}

// launch starts a process, completes the handshake and asks it what it
// serves. On error nothing is left running.
func (p *process) launch(ctx context.Context) (*instance, *pb.DescribeResponse, error) {
	cmd := exec.Command(p.bin.Path, p.bin.Args...)
	cmd.Env = append(append(os.Environ(), p.opts.Env...), p.bin.Env...)
	in := &instance{cmd: cmd, stderr: newTailWriter(), broken: make(chan struct{})}
	in.client = goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake(ProtocolVersion),
		Plugins:          goplugin.PluginSet{pluginName: &grpcPlugin{}},
		Cmd:              cmd,
		SkipHostEnv:      true, // cmd.Env has it, before ours, so ours wins
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     p.opts.StartTimeout,
		Stderr:           in.stderr,
		Logger:           newHCLogger(p.log),
	})
	desc, err := p.connect(ctx, in)
	if err != nil {
		if in.rpc != nil || !errors.Is(err, ctx.Err()) {
			in.kill(0)
		}
		return nil, nil, err
	}
	return in, desc, nil
}

// connect completes the handshake of a started client and calls Describe.
func (p *process) connect(ctx context.Context, in *instance) (*pb.DescribeResponse, error) {
	type result struct {
		c   *conn
		err error
	}
	ch := make(chan result, 1)
	go func() { // go-plugin's handshake does not take a context
		rpc, err := in.client.Client()
		if err != nil {
			ch <- result{err: err}
			return
		}
		raw, err := rpc.Dispense(pluginName)
		if err != nil {
			ch <- result{err: err}
			return
		}
		ch <- result{c: raw.(*conn)}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		p.bg.Add(1)
		go func() { // the handshake ends within StartTimeout
			defer p.bg.Done()
			<-ch
			in.kill(0)
		}()
		return nil, fmt.Errorf("start: %w", ctx.Err())
	}
	if r.err != nil {
		return nil, explainStartError(r.err, p.opts.StartTimeout, in.stderr.String())
	}
	in.rpc, in.exited, in.pid = r.c.rpc, r.c.exited, in.cmd.Process.Pid
	ctx, cancel := context.WithTimeout(ctx, p.opts.StartTimeout)
	defer cancel()
	desc, err := in.rpc.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", fromStatus(ctx, err))
	}
	if v := desc.GetProtocolVersion(); v != ProtocolVersion {
		return nil, fmt.Errorf("it speaks protocol version %d, this host speaks %d", v, ProtocolVersion)
	}
	if len(desc.GetDrivers()) == 0 {
		return nil, errors.New("it serves no driver")
	}
	for _, n := range desc.GetDrivers() {
		if err := ValidateName(n); err != nil {
			return nil, err
		}
	}
	return desc, nil
}

// explainStartError rewords go-plugin's start errors so that each says what
// went wrong and what to do.
func explainStartError(err error, timeout time.Duration, stderr string) error {
	msg := err.Error()
	if stderr != "" {
		stderr = "; its output: " + stderr
	}
	switch {
	case strings.Contains(msg, "incompatible API version"):
		return fmt.Errorf("it speaks another plugin protocol version than this host (%d); rebuild it against a "+
			"version of this SDK that speaks protocol %d (%v)", ProtocolVersion, ProtocolVersion, err)
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("no plugin handshake within %s: it is not a dataprotection driver plugin, or it hangs "+
			"before calling plugin.Serve%s", timeout, stderr)
	case strings.Contains(msg, "exited before we could connect"), strings.Contains(msg, "Unrecognized remote plugin message"):
		return fmt.Errorf("not a dataprotection driver plugin: it exited or printed something else than the "+
			"plugin handshake (a plugin's main calls plugin.Serve and writes nothing to standard output): %v%s", err, stderr)
	}
	return fmt.Errorf("start: %w%s", err, stderr)
}

// current returns the running process, restarting it when it is dead and
// the restart budget allows.
func (p *process) current(ctx context.Context) (*instance, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, drivers.Errorf(drivers.FailedPrecondition, "plugin %q: the plugin manager is closed", p.bin.Name)
		}
		if p.cur != nil && !p.cur.dead() {
			in := p.cur
			p.mu.Unlock()
			return in, nil
		}
		if p.cur != nil {
			p.retireLocked(p.cur)
		}
		if p.starting == nil {
			if err := p.allowRestartLocked(time.Now()); err != nil {
				p.mu.Unlock()
				return nil, err
			}
			p.starting = make(chan struct{})
			p.bg.Add(1)
			go p.restart(p.starting)
		}
		ch := p.starting
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, drivers.Errorf(ctxCode(ctx), "plugin %q: waiting for its restart: %w", p.bin.Name, ctx.Err())
		}
		p.mu.Lock()
		err := p.startErr
		p.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

func ctxCode(ctx context.Context) drivers.Code {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return drivers.DeadlineExceeded
	}
	return drivers.Canceled
}

// retireLocked forgets a dead process and reaps it in the background.
func (p *process) retireLocked(in *instance) {
	p.lastExit = in.exitStatus()
	p.cur = nil
	p.log.Info("plugin process is gone", "pid", in.pid, "status", p.lastExit)
	p.bg.Add(1)
	go func() {
		defer p.bg.Done()
		in.kill(0) // dead or unhealthy: no graceful stop
	}()
}

// allowRestartLocked counts a restart against the budget, or returns an
// Unavailable error when the budget is spent.
func (p *process) allowRestartLocked(now time.Time) error {
	from := now.Add(-p.opts.RestartWindow)
	p.restarts = slices.DeleteFunc(p.restarts, func(t time.Time) bool { return t.Before(from) })
	if len(p.restarts) >= p.opts.MaxRestarts {
		return drivers.Errorf(drivers.Unavailable, "plugin %q (%s) was restarted %d times within %s and is not "+
			"restarted again before %s; the last %s", p.bin.Name, p.bin.Path, len(p.restarts), p.opts.RestartWindow,
			p.restarts[0].Add(p.opts.RestartWindow).Format(time.RFC3339), p.lastExit)
	}
	p.restarts = append(p.restarts, now)
	p.total++
	return nil
}

// restart starts a new process in the background and publishes it.
func (p *process) restart(done chan struct{}) {
	defer p.bg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.StartTimeout)
	defer cancel()
	in, desc, err := p.launch(ctx)
	if err == nil && !slices.Equal(desc.GetDrivers(), p.names) {
		in.kill(0)
		err = fmt.Errorf("it now serves drivers %v, not %v as when the host started; restart the host to use them",
			desc.GetDrivers(), p.names)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	defer close(done)
	p.starting = nil
	switch {
	case err != nil:
		p.startErr = drivers.Errorf(drivers.Unavailable, "plugin %q (%s): restart after the %s: %w", p.bin.Name, p.bin.Path, p.lastExit, err)
		p.log.Error(err, "plugin restart failed")
	case p.closed:
		p.bg.Add(1)
		go func() {
			defer p.bg.Done()
			in.kill(killGrace)
		}()
	default:
		p.cur, p.startErr = in, nil
		p.version = desc.GetPluginVersion()
		p.log.Info("plugin restarted", "pid", in.pid, "restarts", p.total)
	}
}

// call implements caller: it runs fn on the current process and, when the
// process dies during the call, restarts it and runs fn once more.
func (p *process) call(ctx context.Context, method string, fn func(context.Context, pb.DriverClient) error) error {
	for attempt := 0; ; attempt++ {
		in, err := p.current(ctx)
		if err != nil {
			return err
		}
		err = fn(ctx, in.rpc)
		p.noteTimeout(ctx, in, method, err)
		if err == nil || !p.crashed(ctx, in, err) {
			return fromStatus(ctx, err)
		}
		p.mu.Lock()
		if p.cur == in {
			p.retireLocked(in)
		}
		exit := p.lastExit
		p.mu.Unlock()
		if attempt > 0 {
			return drivers.Errorf(drivers.Unavailable, "plugin %q (%s): %s died again during %s after a restart "+
				"(the call was retried once): %s", p.bin.Name, p.bin.Path, method, method, exit)
		}
		p.log.Info("plugin process died during a call; restarting it and retrying the call once", "method", method, "status", exit)
	}
}

// noteTimeout counts the calls of in that end past their context's
// deadline, in a row; at StuckCalls it takes the process as stuck (its
// health checks may pass: a goroutine blocked for ever does not stop the
// others) and kills it, so that the next call restarts it.
func (p *process) noteTimeout(ctx context.Context, in *instance, method string, err error) {
	if !timedOut(ctx, err) {
		in.timeouts.Store(0)
		return
	}
	n := in.timeouts.Add(1)
	if p.opts.StuckCalls < 0 || int(n) < p.opts.StuckCalls {
		return
	}
	p.log.Info("killing a stuck plugin process; the next call restarts it", "pid", in.pid, "method", method, "timeouts", n)
	in.breakOnce.Do(func() { close(in.broken) })
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == in {
		p.retireLocked(in)
		p.lastExit = fmt.Sprintf("process %d was stuck (%d calls in a row timed out, the last %s) and was killed", in.pid, n, method)
	}
}

// timedOut reports whether a call failed because its deadline passed
// before the plugin answered (gRPC may say so a moment before ctx does).
func timedOut(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	st, _ := status.FromError(err)
	_, answered := fromDriver(st)
	return !answered && st.Code() == codes.DeadlineExceeded
}

// crashed reports whether a failed call failed because the process died:
// an error of the transport (not an answer of the plugin) and a process
// that exited, or that exits within crashGrace.
func (p *process) crashed(ctx context.Context, in *instance, err error) bool {
	st, _ := status.FromError(err)
	if _, answered := fromDriver(st); answered || ctx.Err() != nil {
		return false
	}
	if in.dead() {
		return true
	}
	if st.Code() != codes.Unavailable {
		return false
	}
	t := time.NewTimer(crashGrace)
	defer t.Stop()
	select {
	case <-in.exited:
		return true
	case <-in.broken:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// watch checks the process's health every HealthInterval until stop is
// closed; after HealthFailures failed checks in a row it kills the process,
// which the next call restarts.
func (p *process) watch(stop <-chan struct{}) {
	t := time.NewTicker(p.opts.HealthInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.checkHealth()
		}
	}
}

func (p *process) checkHealth() {
	p.mu.Lock()
	in := p.cur
	p.mu.Unlock()
	if in == nil || in.dead() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.HealthTimeout)
	_, err := in.rpc.Health(ctx, &pb.HealthRequest{})
	cancel()
	if err == nil {
		in.healthFailures = 0
		return
	}
	in.healthFailures++
	p.log.Info("plugin health check failed", "pid", in.pid, "failures", in.healthFailures, "error", err.Error())
	if in.healthFailures < p.opts.HealthFailures {
		return
	}
	p.log.Info("killing an unhealthy plugin process; the next call restarts it", "pid", in.pid)
	in.breakOnce.Do(func() { close(in.broken) })
	p.mu.Lock()
	if p.cur == in {
		p.retireLocked(in)
		p.lastExit = fmt.Sprintf("process %d failed %d health checks in a row and was killed (last: %v)", in.pid, in.healthFailures, err)
	}
	p.mu.Unlock()
}

// info describes the process.
func (p *process) info() PluginInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi := PluginInfo{Name: p.bin.Name, Path: p.bin.Path, Version: p.version, Drivers: slices.Clone(p.names), Restarts: p.total}
	if p.cur != nil && !p.cur.dead() {
		pi.PID = p.cur.pid
	}
	return pi
}

// close kills the process and waits for what runs in the background.
func (p *process) close() {
	p.mu.Lock()
	p.closed = true
	in := p.cur
	p.cur = nil
	p.mu.Unlock()
	if in != nil {
		in.kill(killGrace)
		p.log.Info("plugin stopped", "pid", in.pid)
	}
	p.bg.Wait()
}
