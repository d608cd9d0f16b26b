package job

import (
	"k8s.io/client-go/rest"

	"github.com/dpsdk/dataprotection/internal/podexec"
)

// PodExecutor runs a command in a container of a running pod. The driver
// runs hook and status-update tasks with it; tests replace it, since pod
// exec needs a kubelet. Exec runs a request's command and waits until it
// ends or its context ends; a command that ran and exited non-zero is not
// an error (its status is ExecResult.ExitCode); errors are the API
// server's (an apierrors.APIStatus when it answered with one), the
// connection's or the context's. The CSI driver takes the same type.
type PodExecutor = podexec.Executor

// ExecRequest is one command to run in a container: namespace, pod,
// container, the command (which never holds a value: it travels in the
// request's URL), standard input (the task's environment and commands)
// and a bound on the standard output kept.
type ExecRequest = podexec.Request

// ExecResult is what a command that ran reported: the beginning of its
// standard output, whether that was truncated, the end of its standard
// error, and its exit status.
type ExecResult = podexec.Result

// NewPodExecutor returns the PodExecutor the driver uses by default: pod
// exec through the API server (client-go remotecommand, WebSocket with a
// fallback to SPDY), authenticated with config. The identity needs the
// create verb on pods/exec in the targets' namespaces.
func NewPodExecutor(config *rest.Config) PodExecutor { return podexec.NewKube(config) }
