package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireEnv, set to a true value (make test and CI set it to 1), turns a
// missing PostgreSQL from a skip into a failure. A value that is not a
// boolean counts as true, as in internal/testenv.
const requireEnv = "DP_REQUIRE_TESTENV"

// pgOSUser is the operating system user that runs the servers when the test
// runs as root: initdb and postgres refuse to run as root. The OS packages
// create it.
const pgOSUser = "postgres"

// pgSuperuser is the database superuser of every test cluster. It is not
// the OS user's name, so a tool that ignored DB_USER would fail.
const pgSuperuser = "dp_admin"

// pgEnv is how this test runs PostgreSQL: the programs' directory, a work
// directory the server user owns, and how to run a program as that user.
type pgEnv struct {
	// bin holds initdb, pg_ctl, psql, pg_dump, ...
	bin string
	// base is the work directory for data directories, logs and password
	// files; the server user owns it.
	base string
	// runAs prefixes the server programs' command lines ("runuser -u
	// postgres --" as root, empty otherwise).
	runAs []string
	// owner is the OS user that owns data directories ("" when it is the
	// test's own user).
	owner string
}

// requirePostgres finds PostgreSQL and prepares a work directory. Without
// PostgreSQL it skips the test, or fails it when DP_REQUIRE_TESTENV is set.
func requirePostgres(t *testing.T) *pgEnv {
	t.Helper()
	bin, err := findPostgres()
	if err != nil {
		if required() {
			t.Fatalf("PostgreSQL is required (%s is set) but missing: %v; hack/install-deps.sh installs it", requireEnv, err)
		}
		t.Skipf("skipped: %v; run `make test`, which installs PostgreSQL, or install the postgresql OS package", err)
	}
	e := &pgEnv{bin: bin}
	if os.Geteuid() != 0 {
		e.base = t.TempDir()
		return e
	}
	// As root: the servers run as pgOSUser, who must reach the work
	// directory; t.TempDir's parent is private to root, so use our own.
	u, err := user.Lookup(pgOSUser)
	if err != nil {
		t.Fatalf("running as root, the servers need the OS user %q (the postgresql package creates it): %v", pgOSUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if e.base, err = os.MkdirTemp("", "dp-e2e-pg-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(e.base) })
	if err := os.Chmod(e.base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(e.base, uid, gid); err != nil {
		t.Fatal(err)
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		t.Fatalf("running as root, the servers need runuser (util-linux): %v", err)
	}
	e.runAs, e.owner = []string{runuser, "-u", pgOSUser, "--"}, pgOSUser
	return e
}

// required reports whether DP_REQUIRE_TESTENV asks for PostgreSQL.
func required() bool {
	v := os.Getenv(requireEnv)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return b || err != nil
}

// findPostgres returns the newest /usr/lib/postgresql/<version>/bin that has
// initdb (the Debian layout), else the directory of initdb on PATH.
func findPostgres() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	if len(dirs) > 0 {
		return filepath.Dir(dirs[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real // a link in /usr/local/bin: the other programs are next to its target
		}
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL's initdb is neither in /usr/lib/postgresql/*/bin nor on PATH")
}

// pgVersion is the major version in a path .../postgresql/<version>/bin/initdb.
func pgVersion(initdb string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
	return v
}

// server returns a command that runs the PostgreSQL program name as the
// server user.
func (e *pgEnv) server(ctx context.Context, name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string(nil), e.runAs...), filepath.Join(e.bin, name)), args...)
	return exec.CommandContext(ctx, argv[0], argv[1:]...)
}

// chown gives path to the server user (when the test runs as root).
func (e *pgEnv) chown(t *testing.T, path string) {
	t.Helper()
	if e.owner == "" {
		return
	}
	u, err := user.Lookup(e.owner)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// initCluster creates a database cluster in base/name whose superuser
// pgSuperuser logs in with password (scram-sha-256, also for replication
// connections), and returns its data directory.
func (e *pgEnv) initCluster(t *testing.T, name, password string) string {
	t.Helper()
	dir := filepath.Join(e.base, name)
	pwfile := filepath.Join(e.base, name+".pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.chown(t, pwfile)
	defer os.Remove(pwfile)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := e.server(ctx, "initdb", "-D", dir, "-U", pgSuperuser, "--auth=scram-sha-256", "--pwfile="+pwfile,
		"-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		t.Fatalf("initdb %s: %v\n%s", name, err, out)
	}
	return dir
}

// pgServer is a running PostgreSQL server on 127.0.0.1.
type pgServer struct {
	env      *pgEnv
	name     string
	dataDir  string
	port     int
	password string // pgSuperuser's
}

// start starts a server on dataDir on a free loopback port (its socket in
// dataDir: /var/run/postgresql may not exist), with settings (name=value)
// on top of the configuration files, and stops it, immediately, when the
// test ends. password is the superuser's, for the test's own queries. A port
// taken by another process between picking and binding makes it try again
// with another.
func (e *pgEnv) start(t *testing.T, name, dataDir, password string, settings ...string) *pgServer {
	t.Helper()
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.tryStart(name, dataDir, password, port, settings...)
		if err == nil {
			t.Cleanup(s.stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("start PostgreSQL %s: %v", name, lastErr)
	return nil
}

// startAt starts a server as start does, on the given port (which a
// target's PGPORT names before the server exists).
func (e *pgEnv) startAt(t *testing.T, name, dataDir, password string, port int, settings ...string) *pgServer {
	t.Helper()
	s, err := e.tryStart(name, dataDir, password, port, settings...)
	if err != nil {
		t.Fatalf("start PostgreSQL %s: %v", name, err)
	}
	t.Cleanup(s.stop)
	return s
}

// tryStart starts a server on port once.
func (e *pgEnv) tryStart(name, dataDir, password string, port int, settings ...string) (*pgServer, error) {
	logFile := filepath.Join(e.base, name+".log")
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off", port, dataDir)
	for _, kv := range settings {
		opts += " -c " + kv
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := e.server(ctx, "pg_ctl", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "start", "-o", opts).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\nserver log:\n%s", err, out, log)
	}
	return &pgServer{env: e, name: name, dataDir: dataDir, port: port, password: password}, nil
}

// primary reports whether a server accepts writes on port (it runs and
// has finished recovery), asking as the superuser with password.
func (e *pgEnv) primary(ctx context.Context, port int, password string) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(e.bin, "psql"), "-X", "-q", "-A", "-t", "-h", "127.0.0.1",
		"-p", strconv.Itoa(port), "-U", pgSuperuser, "-d", "postgres", "-c", "SELECT NOT pg_is_in_recovery()")
	cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=2")
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == "t"
}

// waitPrimary waits until the server has finished recovery and accepts
// writes (pg_ctl -w returns once a server in archive recovery accepts
// read-only connections).
func (s *pgServer) waitPrimary(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for s.psql(t, "postgres", "SELECT pg_is_in_recovery()") != "f" {
		if time.Now().After(deadline) {
			t.Fatalf("server %s still in recovery after %s", s.name, timeout)
		}
		time.Sleep(pollEvery)
	}
}

// archiveTo turns on WAL archiving into dir (created, owned by the server
// user) in the configuration of the cluster in dataDir.
func (e *pgEnv) archiveTo(t *testing.T, dataDir, dir string) {
	t.Helper()
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e.chown(t, dir)
	conf := fmt.Sprintf("archive_mode = on\narchive_command = 'test ! -f %[1]s/%%f && cp %%p %[1]s/%%f'\n", dir)
	f, err := os.OpenFile(filepath.Join(dataDir, "postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// stop stops the server without a shutdown checkpoint (the data is
// thrown away).
func (s *pgServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = s.env.server(ctx, "pg_ctl", "-D", s.dataDir, "-m", "immediate", "-w", "stop").Run()
}

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// psql runs SQL in database db as the superuser, over TCP with the
// password, and returns its unaligned, tuples-only output, trimmed.
func (s *pgServer) psql(t *testing.T, db, sql string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.env.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
		"-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", pgSuperuser, "-d", db, "-c", sql)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+s.password, "PGCONNECT_TIMEOUT=10")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("psql on %s (%s): %v\n%s", s.name, sql, err, stderr)
	}
	return strings.TrimSpace(string(out))
}
