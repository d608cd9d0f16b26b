package job

import (
	"context"

	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/internal/kubeexec"
)

// PodExecutor runs a command in a container of a running pod. The driver
// runs hook and status-update tasks with it; tests replace it, since pod
// exec needs a kubelet.
type PodExecutor interface {
	// Exec runs req's command and waits until it ends or ctx ends. A
	// command that ran and exited non-zero is not an error (its status is
	// ExecResult.ExitCode); errors are the API server's (an
	// apierrors.APIStatus when it answered with one), the connection's or
	// ctx's.
	Exec(ctx context.Context, req *ExecRequest) (*ExecResult, error)
}

// ExecRequest is one command to run in a container.
type ExecRequest struct {
	// Namespace of the pod.
	Namespace string
	// Pod is the pod's name.
	Pod string
	// Container is the container's name; empty means the pod's default.
	Container string
	// Command is the program and its arguments.
	Command []string
	// Stdin, when not nil, is written to the command's standard input,
	// which is then closed. The driver passes the task's environment this
	// way, so that secret values never appear in the request's URL.
	Stdin []byte
	// MaxStdout bounds the standard output kept.
	MaxStdout int
}

// ExecResult is what a command that ran reported.
type ExecResult struct {
	// Stdout is the beginning of the standard output, at most MaxStdout
	// bytes.
	Stdout []byte
	// StdoutTruncated is true when the command wrote more than MaxStdout.
	StdoutTruncated bool
	// Stderr is the end of the standard error.
	Stderr []byte
	// ExitCode is the command's exit status.
	ExitCode int
}

// NewPodExecutor returns the PodExecutor the driver uses by default: pod
// exec through the API server (client-go remotecommand, WebSocket with a
// fallback to SPDY), authenticated with config. The identity needs the
// create verb on pods/exec in the targets' namespaces.
func NewPodExecutor(config *rest.Config) PodExecutor {
	return kubeExecutor{kubeexec.New(config)}
}

type kubeExecutor struct{ e *kubeexec.Executor }

func (k kubeExecutor) Exec(ctx context.Context, req *ExecRequest) (*ExecResult, error) {
	res, err := k.e.Exec(ctx, kubeexec.Request{Namespace: req.Namespace, Pod: req.Pod, Container: req.Container,
		Command: req.Command, Stdin: req.Stdin, MaxStdout: req.MaxStdout})
	if err != nil {
		return nil, err
	}
	return &ExecResult{Stdout: res.Stdout, StdoutTruncated: res.StdoutTruncated, Stderr: res.Stderr, ExitCode: res.ExitCode}, nil
}
