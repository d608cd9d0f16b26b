package s3env

import (
	"context"
	"testing"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// shared is the one shared Server of a test package, started by the first
// Require and stopped by RunMain.
var shared harness.Once[*Server]

// RunMain is testenv.RunMain: it runs the package's tests with m and then
// stops the servers they started (the shared S3 server, the control plane).
// Call one of the two from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(s3env.RunMain(m)) }
func RunMain(m *testing.M) int {
	return harness.RunMain(m)
}

// Require returns the package's shared S3 server, starting it on first use,
// and restarting it if a test killed it. It skips the test when
// DP_TESTENV_BIN and DP_REQUIRE_TESTENV are both unset, and fails it when the
// server is required or configured but does not start. A failed first start
// is not retried. The package's TestMain must call RunMain (or
// testenv.RunMain). Tests that kill the server should use RequireOwn.
func Require(t testing.TB) *Server {
	t.Helper()
	harness.SkipUnlessConfigured(t)
	s, err := shared.Do(func() (*Server, error) { return Start(context.Background()) }, (*Server).Stop)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Running() {
		if err := s.Restart(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// RequireOwn starts an S3 server for the test alone, stopped when the test
// ends; for tests that Kill and Restart it. It skips and fails like Require,
// and does not need RunMain.
func RequireOwn(t testing.TB) *Server {
	t.Helper()
	harness.SkipUnlessConfigured(t)
	s, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("s3env: stop: %v", err)
		}
	})
	return s
}
