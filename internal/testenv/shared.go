package testenv

import (
	"context"
	"testing"

	"github.com/dpsdk/dataprotection/internal/testenv/internal/harness"
)

// RequireEnv is the environment variable that, set to 1 (by make test and
// CI), turns a missing or broken control plane from a skip into a failure.
const RequireEnv = harness.RequireEnv

// shared is the one Env of a test package, started by the first Require and
// stopped by RunMain.
var shared harness.Once[*Env]

// RunMain runs the package's tests with m and then stops what they started
// through Require, RequireControllers, and package s3env: the control plane
// and the S3 server. It returns the exit code for os.Exit, which is 1 when
// the tests passed but a server did not stop cleanly. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }
func RunMain(m *testing.M) int {
	return harness.RunMain(m)
}

// Require returns the package's control plane, starting it on first use. It
// skips the test when DP_TESTENV_BIN and DP_REQUIRE_TESTENV are both unset,
// and fails it when the control plane is required or configured but does not
// start (see the package documentation). A failed start is not retried: every
// later Require reports the same error. The package's TestMain must call
// RunMain.
func Require(t testing.TB) *Env {
	t.Helper()
	harness.SkipUnlessConfigured(t)
	env, err := shared.Do(func() (*Env, error) { return Start(context.Background()) }, (*Env).Stop)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// RequireControllers is Require, and also starts kube-controller-manager
// with the controllers of Controllers, the first time a test of the package
// calls it (see StartControllers). From then on the controllers run for
// every test of the package, including those that only called Require. It
// skips and fails like Require, and also fails the test when the controller
// manager does not start.
func RequireControllers(t testing.TB) *Env {
	t.Helper()
	env := Require(t)
	if err := env.StartControllers(context.Background()); err != nil {
		t.Fatal(err)
	}
	return env
}
