// Package harness holds what the test environments of internal/testenv and
// its subpackages share: child processes tied to the test binary's life,
// readiness polling, free loopback ports, the skip-or-fail rules of
// DP_TESTENV_BIN and DP_REQUIRE_TESTENV, and the per-package lifecycle in
// which a server is started lazily by the first test that asks for it and
// stopped by RunMain after the package's tests.
package harness
