// Package podexectest has Executors for tests of what runs by pod exec,
// where no kubelet runs: Fake answers from a script and records the
// requests, Local runs them on this machine as if it were the target
// container, and Decode reads back what a request hands the container.
package podexectest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dpsdk/dataprotection/internal/podexec"
)

// Fake is an Executor that records its requests and answers each with
// Result and Err, once Block (when not nil) is closed or the request's
// context ends.
type Fake struct {
	Result *podexec.Result
	Err    error
	Block  chan struct{}

	mu       sync.Mutex
	requests []*podexec.Request
}

// Exec implements podexec.Executor.
func (f *Fake) Exec(ctx context.Context, req *podexec.Request) (*podexec.Result, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	if f.Block != nil {
		select {
		case <-f.Block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.Result, f.Err
}

// Requests returns the requests so far.
func (f *Fake) Requests() []*podexec.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*podexec.Request(nil), f.requests...)
}

// Local is an Executor that runs each command on this machine with
// `sh`, in a process group killed when the context ends, with PATH as its
// only environment; Rewrite, when set, rewrites the command's words and
// standard input first (to map a claim's mount path to a directory).
type Local struct {
	Rewrite func(string) string
}

// Exec implements podexec.Executor.
func (l Local) Exec(ctx context.Context, req *podexec.Request) (*podexec.Result, error) {
	argv, stdin := append([]string(nil), req.Command...), req.Stdin
	if l.Rewrite != nil {
		for i := range argv {
			argv[i] = l.Rewrite(argv[i])
		}
		stdin = []byte(l.Rewrite(string(stdin)))
	}
	var stdout, stderr bytes.Buffer
	code, err := Run(ctx, argv, []string{"PATH=" + os.Getenv("PATH")}, stdin, &stdout, &stderr)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res := &podexec.Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: code}
	if max := req.MaxStdout; max > 0 && len(res.Stdout) > max {
		res.Stdout, res.StdoutTruncated = res.Stdout[:max], true
	}
	return res, nil
}

// Run runs argv with env and stdin in its own process group, killed with
// the group when ctx ends, and returns its exit status (-1 when killed).
func Run(ctx context.Context, argv, env []string, stdin []byte, stdout, stderr *bytes.Buffer) (int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, stdout, stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exitErr):
		return exitErr.ExitCode(), nil
	}
	return 0, err
}

// RunOutput runs argv with this process's environment and returns its
// combined output.
func RunOutput(argv ...string) (string, error) {
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	return string(out), err
}

// Decode returns what req hands the container on standard input: the
// commands and the environment (NAME=value), as a shell reads them.
func Decode(req *podexec.Request) (commands, env []string, err error) {
	end := req.Command[len(req.Command)-1]
	code, _, _ := strings.Cut(string(req.Stdin), "\n"+end+"\n")
	script := `eval "$(cat)"; for c in "$@"; do printf '%s\0' "$c"; done; printf '\0'; env -0`
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	if _, err := Run(ctx, []string{"sh", "-c", script}, nil, []byte(code+"\n"), &stdout, &stderr); err != nil {
		return nil, nil, err
	}
	cmds, vars, _ := strings.Cut(stdout.String(), "\x00\x00")
	if cmds != "" {
		commands = strings.Split(cmds, "\x00")
	}
	for _, kv := range strings.Split(vars, "\x00") {
		if kv != "" && !strings.HasPrefix(kv, "PWD=") && !strings.HasPrefix(kv, "SHLVL=") && !strings.HasPrefix(kv, "_=") {
			env = append(env, kv)
		}
	}
	return commands, env, nil
}
