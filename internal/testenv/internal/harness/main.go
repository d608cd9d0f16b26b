package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// BinDirEnv is the environment variable that names the directory holding the
// servers' executables; hack/testenv-binaries.sh prints it.
const BinDirEnv = "DP_TESTENV_BIN"

// RequireEnv is the environment variable that, set to 1 (by make test and
// CI), turns a missing or broken server from a skip into a failure.
const RequireEnv = "DP_REQUIRE_TESTENV"

// SkipUnlessConfigured skips the test, with a message that names make test,
// when DP_TESTENV_BIN is unset and DP_REQUIRE_TESTENV does not ask for the
// servers. Otherwise it returns, and the caller fails the test when a server
// does not start.
func SkipUnlessConfigured(t testing.TB) {
	t.Helper()
	if os.Getenv(BinDirEnv) == "" && !Required() {
		t.Skipf("testenv: skipped: %s is not set; run make test for the integration tests", BinDirEnv)
	}
}

// Required reports whether DP_REQUIRE_TESTENV asks for the servers. A value
// that is not a boolean counts as true, so a typo cannot turn the
// integration tests into skips.
func Required() bool {
	v := os.Getenv(RequireEnv)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return b || err != nil
}

// Binary returns the path of the executable name in DP_TESTENV_BIN, or an
// error that says how to build it.
func Binary(name string) (string, error) {
	dir := os.Getenv(BinDirEnv)
	if dir == "" {
		return "", fmt.Errorf("%s is not set; run make test, or set it to the directory printed by hack/testenv-binaries.sh", BinDirEnv)
	}
	path := filepath.Join(dir, name)
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s=%s: %w; run hack/testenv-binaries.sh", BinDirEnv, dir, err)
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("%s=%s: %s is not an executable", BinDirEnv, dir, name)
	}
	return path, nil
}

// lifecycle is the test package's record of the shared servers to stop
// after its tests.
var lifecycle struct {
	mu     sync.Mutex
	inMain bool           // RunMain is running the tests
	stops  []func() error // in the order the servers started
}

// errNoRunMain is returned by Once.Do outside RunMain.
var errNoRunMain = errors.New("testenv: the package's TestMain must call testenv.RunMain, which stops the shared servers")

// RunMain runs the package's tests with m and then stops, newest first,
// every server that a Once started. It returns the exit code for os.Exit,
// which is 1 when the tests passed but a server did not stop cleanly.
func RunMain(m *testing.M) int {
	lifecycle.mu.Lock()
	lifecycle.inMain = true
	lifecycle.mu.Unlock()
	code := m.Run()
	lifecycle.mu.Lock()
	stops := lifecycle.stops
	lifecycle.stops = nil
	lifecycle.inMain = false
	lifecycle.mu.Unlock()
	for i := len(stops) - 1; i >= 0; i-- {
		if err := stops[i](); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: stop: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Once starts one shared server of the test package, the first time a test
// asks for it, and has RunMain stop it after the package's tests. The zero
// value is ready to use.
type Once[T any] struct {
	mu      sync.Mutex
	started bool // start was called; v and err hold its result
	v       T
	err     error
}

// Do returns the server, calling start the first time. A failed start is
// not retried: every later call returns the same error. When start succeeds
// and stop is not nil, RunMain calls stop(v) after the tests. Do fails when
// the package's TestMain does not run the tests through RunMain.
func (o *Once[T]) Do(start func() (T, error), stop func(T) error) (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.started {
		lifecycle.mu.Lock()
		inMain := lifecycle.inMain
		lifecycle.mu.Unlock()
		if !inMain {
			var zero T
			return zero, errNoRunMain
		}
		o.started = true
		o.v, o.err = start()
		if o.err == nil && stop != nil {
			v := o.v
			lifecycle.mu.Lock()
			lifecycle.stops = append(lifecycle.stops, func() error { return stop(v) })
			lifecycle.mu.Unlock()
		}
	}
	return o.v, o.err
}
