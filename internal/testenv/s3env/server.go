package s3env

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

const (
	// Region is the region the server reports and signs with.
	Region = "us-east-1"
	// healthPath is the path at which versitygw answers 200 once it serves.
	healthPath = "/health"
	// startTimeout bounds Start and Restart, on top of any deadline of their
	// context. The server is ready in about a second on an idle machine.
	startTimeout = time.Minute
	// startAttempts is how often Start tries when the picked port was taken.
	startAttempts = 3
	// stopGrace is how long Stop waits after SIGTERM before it kills.
	stopGrace = 5 * time.Second
)

// Server is a running versitygw. Start creates it and Stop ends it; Kill and
// Restart end and start it again on the same port with the same data. The
// fields must not be modified.
type Server struct {
	// Endpoint is the server's address, host:port (127.0.0.1:<port>), as
	// minio.New wants it. The scheme is http; URL has it.
	Endpoint string
	// AccessKey and SecretKey are the credentials of the server's single
	// account, which may do everything; random for each server.
	AccessKey string
	SecretKey string

	binary string
	dir    string // temporary directory with data/ and the log
	args   []string

	mu      sync.Mutex
	proc    *harness.Process // nil or exited after Kill
	stopped bool

	stopOnce sync.Once
	stopErr  error
}

// Start starts versitygw from DP_TESTENV_BIN on a free loopback port over a
// new temporary directory, and waits until it serves. Start gives up when
// ctx ends or after a minute; on failure nothing is left running and the
// error includes the end of the server's log. The caller must call Stop.
func Start(ctx context.Context) (*Server, error) {
	binary, err := harness.Binary("versitygw")
	if err != nil {
		return nil, fmt.Errorf("s3env: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, binary)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, harness.ErrPortInUse) || attempt == startAttempts {
			return nil, fmt.Errorf("s3env: %w", err)
		}
	}
}

// start makes one attempt at starting a server in a new temporary directory,
// and cleans up after a failure.
func start(ctx context.Context, binary string) (*Server, error) {
	ports, err := harness.FreePorts(1)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dp-s3env-")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		Endpoint:  "127.0.0.1:" + strconv.Itoa(ports[0]),
		AccessKey: rand.Text(),
		SecretKey: rand.Text() + rand.Text(),
		binary:    binary,
		dir:       dir,
	}
	s.args = []string{
		"--access", s.AccessKey,
		"--secret", s.SecretKey,
		"--port", s.Endpoint,
		"--region", Region,
		"--health", healthPath,
		"--quiet",
		"posix", data,
	}
	if s.proc, err = s.run(ctx); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// run starts the versitygw process and waits until it serves.
func (s *Server) run(ctx context.Context) (*harness.Process, error) {
	p, err := harness.StartProcess("versitygw", s.binary, filepath.Join(s.dir, "versitygw.log"), childEnv(), s.args...)
	if err != nil {
		return nil, err
	}
	if err := harness.WaitReady(ctx, p, http.DefaultClient, s.URL()+healthPath); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

// childEnv returns the test process's environment without the variables
// through which versitygw could be configured (VGW_*, ROOT_*), so that only
// the flags decide how it runs.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VGW_") && !strings.HasPrefix(kv, "ROOT_") {
			env = append(env, kv)
		}
	}
	return env
}

// URL returns the server's base URL, http://127.0.0.1:<port>.
func (s *Server) URL() string {
	return "http://" + s.Endpoint
}

// Running reports whether the server process is running: false after Kill
// until Restart, and after Stop.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && !s.proc.Exited()
}

// Kill kills the server process (SIGKILL: no graceful shutdown, uploads in
// flight break off) and waits until it has exited. The data stays;
// Restart starts the server again. Kill on a server that is not running
// does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.Kill()
	}
}

// Restart starts the server again on the same port, with the same
// credentials and data, and waits until it serves; a server that is still
// running is killed first. It gives up when ctx ends or after a minute; it
// fails if another process took the port meanwhile, and after Stop.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errors.New("s3env: restart: the server is stopped")
	}
	if s.proc != nil {
		s.proc.Kill()
		s.proc = nil
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	p, err := s.run(ctx)
	if err != nil {
		return fmt.Errorf("s3env: restart: %w", err)
	}
	s.proc = p
	return nil
}

// Stop stops the server (SIGTERM, then SIGKILL after five seconds) and
// removes its temporary directory with all buckets and objects. Calling
// Stop again does nothing and returns the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.stopped = true
		if s.proc != nil {
			s.proc.Stop(stopGrace)
		}
		s.mu.Unlock()
		s.stopErr = os.RemoveAll(s.dir)
	})
	return s.stopErr
}
