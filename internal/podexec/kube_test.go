package podexec

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/util/exec"
	"k8s.io/streaming/pkg/httpstream"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

func TestRequestURLNamesThePodContainerAndStreams(t *testing.T) {
	config := &rest.Config{Host: "https://example.test:6443"}
	u, err := requestURL(config, &Request{Namespace: "ns", Pod: "db-0", Container: "postgres",
		Command: []string{"sh", "-c", "echo 'a b'", "sh", "END"}, Stdin: []byte("x")})
	require.NoError(t, err)
	assert.Equal(t, "example.test:6443", u.Host)
	assert.Equal(t, "/api/v1/namespaces/ns/pods/db-0/exec", u.Path)
	q := u.Query()
	assert.Equal(t, []string{"sh", "-c", "echo 'a b'", "sh", "END"}, q["command"], "the command's words in order")
	assert.Equal(t, "postgres", q.Get("container"))
	assert.Equal(t, "true", q.Get("stdin"))
	assert.Equal(t, "true", q.Get("stdout"))
	assert.Equal(t, "true", q.Get("stderr"))
	assert.Empty(t, q.Get("tty"))
}

func TestRequestURLWithoutStdinOrContainer(t *testing.T) {
	u, err := requestURL(&rest.Config{Host: "https://example.test"}, &Request{Namespace: "ns", Pod: "p", Command: []string{"true"}})
	require.NoError(t, err)
	q := u.Query()
	assert.Empty(t, q.Get("stdin"), "no stdin stream is asked for")
	_, hasContainer := q["container"]
	assert.False(t, hasContainer, "the pod's default container")
}

func TestRequestURLRejectsIncompleteRequests(t *testing.T) {
	for name, req := range map[string]*Request{
		"no namespace": {Pod: "p", Command: []string{"true"}},
		"no pod":       {Namespace: "ns", Command: []string{"true"}},
		"no command":   {Namespace: "ns", Pod: "p"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := requestURL(&rest.Config{Host: "https://example.test"}, req)
			assert.Error(t, err)
		})
	}
}

// fakeStreamer plays the remote end of a stream.
type fakeStreamer struct {
	stdout, stderr string
	err            error
	gotStdin       []byte
}

func (f *fakeStreamer) Stream(o remotecommand.StreamOptions) error {
	return f.StreamWithContext(context.Background(), o)
}

func (f *fakeStreamer) StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error {
	if o.Stdin != nil {
		f.gotStdin, _ = io.ReadAll(o.Stdin)
	}
	_, _ = io.WriteString(o.Stdout, f.stdout)
	_, _ = io.WriteString(o.Stderr, f.stderr)
	if f.err == nil {
		return ctx.Err()
	}
	return f.err
}

func TestRunCollectsOutputAndExitStatus(t *testing.T) {
	for name, tc := range map[string]struct {
		streamer  *fakeStreamer
		max       int
		want      Result
		wantError bool
	}{
		"success": {
			streamer: &fakeStreamer{stdout: `{"a":1}`, stderr: "warn"},
			want:     Result{Stdout: []byte(`{"a":1}`), Stderr: []byte("warn")},
		},
		"non-zero exit is a result, not an error": {
			streamer: &fakeStreamer{stderr: "boom", err: exec.CodeExitError{Err: errors.New("command terminated with exit code 3"), Code: 3}},
			want:     Result{Stdout: []byte{}, Stderr: []byte("boom"), ExitCode: 3},
		},
		"output over the limit is truncated": {
			streamer: &fakeStreamer{stdout: "0123456789"},
			max:      4,
			want:     Result{Stdout: []byte("0123"), StdoutTruncated: true},
		},
		"a transport failure is an error": {
			streamer:  &fakeStreamer{err: errors.New("connection reset")},
			wantError: true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := stream(context.Background(), tc.streamer, &Request{Namespace: "ns", Pod: "p", MaxStdout: tc.max, Stdin: []byte("in")})
			if tc.wantError {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "ns/p")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, string(tc.want.Stdout), string(res.Stdout))
			assert.Equal(t, string(tc.want.Stderr), string(res.Stderr))
			assert.Equal(t, tc.want.StdoutTruncated, res.StdoutTruncated)
			assert.Equal(t, tc.want.ExitCode, res.ExitCode)
			assert.Equal(t, "in", string(tc.streamer.gotStdin), "stdin is sent")
		})
	}
}

func TestRunReportsTheContextsError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := stream(ctx, &fakeStreamer{}, &Request{Namespace: "ns", Pod: "p"})
	require.ErrorIs(t, err, context.Canceled)
}

// TestExecAgainstTheAPIServer runs Exec against a real kube-apiserver. No
// kubelet runs there, so no command can actually run: what is checked is
// that the request reaches the server and its answer comes back as an API
// error the drivers can classify.
func TestExecAgainstTheAPIServer(t *testing.T) {
	env := testenv.Require(t)
	ns := env.NewNamespace(t)
	ctx := context.Background()
	e := NewKube(env.Config)

	_, err := e.Exec(ctx, &Request{Namespace: ns, Pod: "missing", Command: []string{"true"}})
	require.Error(t, err)
	assert.True(t, apierrors.IsNotFound(err), "a missing pod is NotFound: %v", err)

	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "db-0", Namespace: ns},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Image: "postgres"}}}}
	_, err = env.Client.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = e.Exec(ctx, &Request{Namespace: ns, Pod: "db-0", Container: "db", Command: []string{"true"}, Stdin: []byte("x")})
	require.Error(t, err, "a pod on no node cannot exec")
	assert.True(t, apierrors.IsBadRequest(err), "the server refuses it: %v", err)
	assert.Contains(t, err.Error(), "does not have a host assigned")
}

func TestExecWithoutConfigIsAnError(t *testing.T) {
	_, err := (&Kube{}).Exec(context.Background(), &Request{Namespace: "ns", Pod: "p", Command: []string{"true"}})
	require.Error(t, err)
}

func TestFallbackKeepsTheAPIServersAnswer(t *testing.T) {
	notFound := apierrors.NewNotFound(corev1.Resource("pods"), "db-0")
	upgrade := &httpstream.UpgradeFailureError{Cause: notFound}
	for name, tc := range map[string]struct {
		primary, secondary error
		check              func(t *testing.T, err error, secondary *fakeStreamer)
	}{
		"primary works": {
			primary: nil,
			check: func(t *testing.T, err error, s *fakeStreamer) {
				assert.NoError(t, err)
				assert.Nil(t, s.gotStdin, "no second try")
			},
		},
		"primary cannot upgrade, secondary works": {
			primary: upgrade,
			check: func(t *testing.T, err error, s *fakeStreamer) {
				assert.NoError(t, err)
				assert.Equal(t, "in", string(s.gotStdin), "the second try gets all of stdin")
			},
		},
		"both fail: the API status of the first is kept": {
			primary: upgrade, secondary: errors.New("unable to upgrade connection: pods not found"),
			check: func(t *testing.T, err error, _ *fakeStreamer) {
				assert.True(t, apierrors.IsNotFound(err), "%v", err)
				assert.Contains(t, err.Error(), "over SPDY")
			},
		},
		"other errors of the primary are final": {
			primary: errors.New("broken pipe"),
			check: func(t *testing.T, err error, s *fakeStreamer) {
				assert.EqualError(t, err, "broken pipe")
				assert.Nil(t, s.gotStdin)
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			primary := &failingStreamer{err: tc.primary}
			secondary := &fakeStreamer{err: tc.secondary}
			f := &fallback{primary: primary, secondary: secondary}
			err := f.StreamWithContext(context.Background(), remotecommand.StreamOptions{
				Stdin: strings.NewReader("in"), Stdout: io.Discard, Stderr: io.Discard})
			tc.check(t, err, secondary)
		})
	}
}

// failingStreamer fails before reading stdin, as a failed upgrade does.
type failingStreamer struct{ err error }

func (f *failingStreamer) Stream(remotecommand.StreamOptions) error { return f.err }

func (f *failingStreamer) StreamWithContext(context.Context, remotecommand.StreamOptions) error {
	return f.err
}
