package harness

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// ErrPortInUse marks a start that failed because another process took one of
// the ports picked for it; the caller may retry with new ports.
var ErrPortInUse = errors.New("port already in use")

// tailLines is how many lines of a process's log an error includes.
const tailLines = 30

// Process is a child process whose stdout and stderr go to a log file.
type Process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error         // the exit status; read only after done is closed
}

// StartProcess starts the executable path with args, logging to logPath
// (appending, so that a restarted server keeps its earlier log). name is
// used in errors. env, when not nil, is the child's environment; nil
// inherits the test process's. The process is killed when the test process
// dies (see sysProcAttr).
func StartProcess(name, path, logPath string, env []string, args ...string) (*Process, error) {
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// PID is the process's ID.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Done returns a channel that is closed when the process has exited.
func (p *Process) Done() <-chan struct{} {
	return p.done
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop asks the process to terminate (SIGTERM), kills it if it is still
// running after grace, and waits until it has exited.
func (p *Process) Stop(grace time.Duration) {
	if p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Kill kills the process (SIGKILL, no chance to clean up) and waits until it
// has exited.
func (p *Process) Kill() {
	if p.Exited() {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Failure returns an error about the process that includes the end of its
// log. It wraps ErrPortInUse when the log says a port was taken.
func (p *Process) Failure(format string, args ...any) error {
	tail := p.logTail()
	err := fmt.Errorf("%s: %s\n--- last lines of %s ---\n%s", p.name, fmt.Sprintf(format, args...), p.name, tail)
	if bytes.Contains(tail, []byte("address already in use")) {
		return errors.Join(err, ErrPortInUse)
	}
	return err
}

// ExitFailure describes a process that exited when it should be running.
// Call it only after Done is closed.
func (p *Process) ExitFailure() error {
	return p.Failure("exited unexpectedly: %v", p.waitErr)
}

// logTail returns the last tailLines lines of the process's log.
func (p *Process) logTail() []byte {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return []byte(err.Error())
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return bytes.Join(lines, []byte("\n"))
}
