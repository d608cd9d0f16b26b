// Package e2e holds the library's end-to-end tests: the whole engine, the
// embedded default (bolt store, local driver, local targets and secrets)
// and a real database, with nothing faked but the clock.
//
// TestPostgresBackupAndRestore starts throwaway PostgreSQL servers on
// loopback, loads data, lets a BackupPolicy's schedule fire a pg_dump
// backup, changes the data, restores the backup into a fresh server with a
// RestoreJob and checks that the restored data equals the data at backup
// time. It then takes a physical backup with pg_basebackup and starts a
// server on the restored data directory, and an incremental backup of the
// archived WAL on top of it, which it restores up to a named restore point
// (a point-in-time restore). After each physical restore the test starts the
// server on the restored data, as a host restarts its database, and the
// RestoreJob's logical restore runs only once the host's readiness check
// finds it recovered (targets.WithReadiness).
//
// The tests need PostgreSQL's server programs (initdb, pg_ctl, ...) from the
// OS packages; `make test` installs them (hack/install-deps.sh). Without
// them the tests skip, unless DP_REQUIRE_TESTENV is set (make test and CI
// set it), in which case a missing PostgreSQL is a failure.
//
//	DP_REQUIRE_TESTENV=1 go test -race -count=1 -v ./e2e/
package e2e
