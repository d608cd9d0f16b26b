package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// errPortInUse marks a start that failed because another process took one of
// the ports picked for it; Start then retries with new ports.
var errPortInUse = errors.New("port already in use")

// tailLines is how many lines of a process's log an error includes.
const tailLines = 30

// process is a child process whose stdout and stderr go to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error         // the exit status; read only after done is closed
}

// startProcess starts the executable path with args, logging to logPath. The
// process is killed when the test process dies (see sysProcAttr).
func startProcess(name, path, logPath string, args ...string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(path, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to terminate (SIGTERM), kills it if it is still
// running after grace, and waits until it has exited.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
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

// failure returns an error about the process that includes the end of its
// log. It wraps errPortInUse when the log says a port was taken.
func (p *process) failure(format string, args ...any) error {
	tail := p.logTail()
	err := fmt.Errorf("%s: %s\n--- last lines of %s ---\n%s", p.name, fmt.Sprintf(format, args...), p.name, tail)
	if bytes.Contains(tail, []byte("address already in use")) {
		return errors.Join(err, errPortInUse)
	}
	return err
}

// exitFailure describes a process that exited when it should be running.
func (p *process) exitFailure() error {
	return p.failure("exited unexpectedly: %v", p.waitErr)
}

// logTail returns the last tailLines lines of the process's log.
func (p *process) logTail() []byte {
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
