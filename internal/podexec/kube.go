package podexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes/scheme"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/util/exec"
	"k8s.io/streaming/pkg/httpstream"
)

// stderrTail is how much of the end of standard error a Result keeps.
const stderrTail = 4 << 10

// Kube is the Executor over the API server, as kubectl exec: the API server
// upgrades the connection (WebSocket, with a fallback to SPDY for servers
// that lack the WebSocket protocol) and proxies the command's standard
// streams from the kubelet. It is safe for concurrent use.
type Kube struct {
	config *rest.Config
}

// NewKube returns a Kube that authenticates with config. Problems with
// config are reported by Exec. The identity needs the create verb on
// pods/exec (and get, for WebSocket exec on servers before 1.35) in the
// targets' namespaces.
func NewKube(config *rest.Config) *Kube {
	return &Kube{config: config}
}

// Exec implements Executor. Errors are those of the API server (an
// apierrors.APIStatus when it answered with one, such as NotFound for a
// missing pod), of the connection, or of ctx.
func (e *Kube) Exec(ctx context.Context, req *Request) (*Result, error) {
	if e.config == nil {
		return nil, errors.New("podexec: no rest.Config")
	}
	u, err := requestURL(e.config, req)
	if err != nil {
		return nil, fmt.Errorf("podexec: %w", err)
	}
	streamer, err := newStreamer(e.config, u)
	if err != nil {
		return nil, fmt.Errorf("podexec: %w", err)
	}
	return stream(ctx, streamer, req)
}

// stream streams one command through s and collects its result.
func stream(ctx context.Context, s remotecommand.Executor, req *Request) (*Result, error) {
	limit := req.MaxStdout
	if limit <= 0 {
		limit = DefaultMaxStdout
	}
	stdout, stderr := &headBuffer{max: limit}, &tailBuffer{max: stderrTail}
	opts := remotecommand.StreamOptions{Stdout: stdout, Stderr: stderr}
	if req.Stdin != nil {
		opts.Stdin = bytes.NewReader(req.Stdin)
	}
	err := s.StreamWithContext(ctx, opts)
	res := &Result{Stdout: stdout.buf.Bytes(), StdoutTruncated: stdout.truncated, Stderr: stderr.bytes()}
	var exitErr exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &exitErr) && exitErr.Exited():
		res.ExitCode = exitErr.ExitStatus()
		return res, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("podexec: %s/%s: %w", req.Namespace, req.Pod, ctx.Err())
	}
	return nil, fmt.Errorf("podexec: %s/%s: %w", req.Namespace, req.Pod, err)
}

// requestURL is the URL of the pods/exec subresource for req.
func requestURL(config *rest.Config, req *Request) (*url.URL, error) {
	if req.Namespace == "" || req.Pod == "" || len(req.Command) == 0 {
		return nil, errors.New("a request needs a namespace, a pod and a command")
	}
	client, err := corev1client.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	return client.RESTClient().Post().
		Namespace(req.Namespace).Resource("pods").Name(req.Pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: req.Container,
			Command:   req.Command,
			Stdin:     req.Stdin != nil,
			Stdout:    true,
			Stderr:    true,
		}, scheme.ParameterCodec).
		URL(), nil
}

// newStreamer is kubectl's executor (WebSocket first, SPDY when the server
// or a proxy cannot upgrade to WebSocket), except that when both fail the
// API server's own answer (such as NotFound for a missing pod) is kept.
func newStreamer(config *rest.Config, u *url.URL) (remotecommand.Executor, error) {
	spdy, err := remotecommand.NewSPDYExecutor(config, "POST", u)
	if err != nil {
		return nil, err
	}
	ws, err := remotecommand.NewWebSocketExecutor(config, "GET", u.String())
	if err != nil {
		return nil, err
	}
	return &fallback{primary: ws, secondary: spdy}, nil
}

// fallback streams with primary, and with secondary when primary could not
// upgrade the connection.
type fallback struct {
	primary, secondary remotecommand.Executor
}

// Stream implements remotecommand.Executor.
func (f *fallback) Stream(o remotecommand.StreamOptions) error {
	return f.StreamWithContext(context.Background(), o)
}

// StreamWithContext implements remotecommand.Executor. The upgrade fails
// before any stream is copied, so the second try sees all of stdin.
func (f *fallback) StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error {
	err := f.primary.StreamWithContext(ctx, o)
	if !httpstream.IsUpgradeFailure(err) && !httpstream.IsHTTPSProxyError(err) {
		return err
	}
	err2 := f.secondary.StreamWithContext(ctx, o)
	var status2 apierrors.APIStatus
	if status := apiStatus(err); err2 != nil && status != nil && !errors.As(err2, &status2) {
		return fmt.Errorf("%w (over SPDY: %v)", status, err2)
	}
	return err2
}

// apiStatus returns the API server's answer inside a failed upgrade (whose
// error type does not unwrap), or nil.
func apiStatus(err error) *apierrors.StatusError {
	var status *apierrors.StatusError
	var upgrade *httpstream.UpgradeFailureError
	switch {
	case errors.As(err, &status):
		return status
	case errors.As(err, &upgrade) && errors.As(upgrade.Cause, &status):
		return status
	}
	return nil
}
