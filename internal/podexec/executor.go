package podexec

import "context"

// DefaultMaxStdout is how much standard output a Request keeps when it sets
// no limit.
const DefaultMaxStdout = 64 << 10

// Executor runs a command in a container of a running pod: the transport
// under the Runner. Kube is the one over the API server; tests run the
// command on their own machine.
type Executor interface {
	// Exec runs req's command and waits until it ends or ctx ends. A
	// command that ran and exited non-zero is not an error (its status is
	// Result.ExitCode); errors are the API server's (an
	// apierrors.APIStatus when it answered with one), the connection's or
	// ctx's.
	Exec(ctx context.Context, req *Request) (*Result, error)
}

// Request is one command to run in a container.
type Request struct {
	// Namespace of the pod.
	Namespace string
	// Pod is the pod's name.
	Pod string
	// Container is the container's name; empty means the pod's default
	// container (the API server rejects that for a pod with several).
	Container string
	// Command is the program and its arguments; no shell is implied. It
	// travels in the request's URL: it never holds a value.
	Command []string
	// Stdin, when not nil, is written to the command's standard input,
	// which is then closed. The Runner passes the task's environment and
	// commands this way.
	Stdin []byte
	// MaxStdout bounds the standard output kept; 0 means
	// DefaultMaxStdout.
	MaxStdout int
}

// Result is what a command that ran reported.
type Result struct {
	// Stdout is the beginning of the standard output, at most MaxStdout
	// bytes.
	Stdout []byte
	// StdoutTruncated is true when the command wrote more than that.
	StdoutTruncated bool
	// Stderr is the end of the standard error.
	Stderr []byte
	// ExitCode is the command's exit status; 0 for success.
	ExitCode int
}
