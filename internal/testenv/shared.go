package testenv

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
)

// RequireEnv is the environment variable that, set to 1 (by make test and
// CI), turns a missing or broken control plane from a skip into a failure.
const RequireEnv = "DP_REQUIRE_TESTENV"

// shared is the one Env of a test package, started by the first Require and
// stopped by RunMain.
var shared struct {
	mu      sync.Mutex
	inMain  bool // RunMain is running the tests
	started bool // Start was attempted; env and err hold its result
	env     *Env
	err     error
}

// RunMain runs the package's tests with m and then stops the control plane if
// a test started one through Require. It returns the exit code for os.Exit,
// which is 1 when the tests passed but the control plane did not stop
// cleanly. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }
func RunMain(m *testing.M) int {
	shared.mu.Lock()
	shared.inMain = true
	shared.mu.Unlock()
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintf(os.Stderr, "testenv: stop: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Require returns the package's control plane, starting it on first use. It
// skips the test when DP_TESTENV_BIN and DP_REQUIRE_TESTENV are both unset,
// and fails it when the control plane is required or configured but does not
// start (see the package documentation). A failed start is not retried: every
// later Require reports the same error. The package's TestMain must call
// RunMain.
func Require(t testing.TB) *Env {
	t.Helper()
	if os.Getenv(BinDirEnv) == "" && !required() {
		t.Skipf("testenv: skipped: %s is not set; run make test for the integration tests", BinDirEnv)
	}
	env, err := sharedEnv()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// required reports whether DP_REQUIRE_TESTENV asks for the control plane. A
// value that is not a boolean counts as true, so a typo cannot turn the
// integration tests into skips.
func required() bool {
	v := os.Getenv(RequireEnv)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return b || err != nil
}

// sharedEnv starts the package's Env once and returns it, or the error of
// that one start.
func sharedEnv() (*Env, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.inMain {
		return nil, fmt.Errorf("testenv: the package's TestMain must call testenv.RunMain, which stops the control plane")
	}
	if !shared.started {
		shared.started = true
		shared.env, shared.err = Start(context.Background())
	}
	return shared.env, shared.err
}

// stopShared stops the package's Env if one was started.
func stopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.env == nil {
		return nil
	}
	err := shared.env.Stop()
	shared.env = nil
	return err
}
