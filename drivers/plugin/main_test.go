package plugin

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The test binary doubles as misbehaving plugins (the TestHelperProcess
// trick of go-plugin): started with DP_PLUGIN_HELPER set, TestMain serves a
// helper plugin instead of running tests.
const (
	helperEnv      = "DP_PLUGIN_HELPER"
	helperStateEnv = "DP_PLUGIN_HELPER_STATE"
)

// ExampleBinaryDir holds the example plugin (examples/plugin), built by
// TestMain as "tar-gzip"; the tests in package plugin_test use it.
var ExampleBinaryDir string

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		runHelper(mode)
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "dp-plugin-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ExampleBinaryDir = filepath.Join(dir, "bin")
	if err := buildExample(ExampleBinaryDir); err != nil {
		fmt.Fprintln(os.Stderr, "build the example plugin:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// buildExample builds examples/plugin into dir/tar-gzip.
func buildExample(dir string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, "tar-gzip"), "github.com/dpsdk/dataprotection/examples/plugin")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// helperBinary returns a Binary that runs this test binary as the helper
// plugin mode, with its state in stateDir.
func helperBinary(t testing.TB, name, mode, stateDir string) Binary {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Binary{Name: name, Path: exe, Env: []string{helperEnv + "=" + mode, helperStateEnv + "=" + stateDir}}
}

// runHelper is the main of a helper plugin.
func runHelper(mode string) {
	d := &helperDriver{dir: os.Getenv(helperStateEnv)}
	opts := ServeOptions{Drivers: map[string]drivers.Driver{"helper": d}, Version: "test"}
	switch mode {
	case "serve":
		Serve(opts)
	case "serve-unguarded":
		serve(opts, ProtocolVersion) // standard output as go-plugin leaves it
	case "two-drivers":
		Serve(ServeOptions{Drivers: map[string]drivers.Driver{"helper-a": d, "helper-b": d}, Version: "test"})
	case "wrong-version":
		serve(opts, ProtocolVersion+1)
	case "no-handshake":
		time.Sleep(time.Hour)
	case "not-a-plugin":
		fmt.Println("hello, I am not a plugin")
	case "bad-options":
		Serve(ServeOptions{Drivers: map[string]drivers.Driver{"Not_Valid": d}})
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
		os.Exit(2)
	}
}

// helperDriver misbehaves on purpose, by task ID prefix, and keeps its
// state on disk (dir/<id>/) so that a restarted process knows its tasks:
//
//   - "crash-once-": Start records the task and counts an execution, then
//     the process kills itself with SIGKILL before answering, the first
//     time only (a marker file remembers it);
//   - "crash-always-": Start counts an attempt and kills the process, every
//     time;
//   - "work-": Start records the task as running in this process and
//     works in a goroutine that never ends; Status of it in another
//     process reports it Failed (interrupted) with a clear reason;
//   - "panic-": Start and Status panic;
//   - "hang-": Start blocks forever, ignoring its context;
//   - "hang-ctx-": Start blocks until its context is done;
//   - "bigline-": Start writes a 128 KiB line to file descriptor 1 (as a
//     library or a child process may), then records the task;
//   - anything else: Start records the task, which succeeds at once.
//
// Every execution appends "run" to dir/<id>/runs: the execution counter.
type helperDriver struct {
	dir string
	mu  sync.Mutex
}

func (d *helperDriver) Capabilities(context.Context) (drivers.Capabilities, error) {
	return drivers.Capabilities{Kinds: []drivers.TaskKind{drivers.KindBackup}, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}, nil
}

func (d *helperDriver) Start(ctx context.Context, t *drivers.Task) error {
	switch {
	case strings.HasPrefix(t.ID, "hang-ctx-"):
		<-ctx.Done()
		return drivers.WithCode(drivers.ErrorCode(ctx.Err()), ctx.Err())
	case strings.HasPrefix(t.ID, "hang-"):
		select {}
	case strings.HasPrefix(t.ID, "bigline-"):
		line := append(bytes.Repeat([]byte("x"), 128<<10), '\n')
		if _, err := syscall.Write(1, line); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	dir := filepath.Join(d.dir, t.ID)
	switch {
	case strings.HasPrefix(t.ID, "panic-"):
		panic("helper: boom in Start of " + t.ID)
	case strings.HasPrefix(t.ID, "crash-always-"):
		appendLine(filepath.Join(d.dir, t.ID+".attempts"), "attempt")
		kill()
	}
	if _, err := os.Stat(dir); err == nil {
		return nil // adopt
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	appendLine(filepath.Join(dir, "runs"), "run")
	owner := fmt.Sprint(os.Getpid())
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(owner), 0o644); err != nil {
		return err
	}
	if strings.HasPrefix(t.ID, "crash-once-") {
		marker := filepath.Join(d.dir, t.ID+".crashed")
		if _, err := os.Stat(marker); err != nil {
			appendLine(marker, "crashed")
			kill()
		}
	}
	return nil
}

func kill() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

func appendLine(path, line string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	_, _ = fmt.Fprintln(f, line)
	_ = f.Close()
}

func (d *helperDriver) Status(_ context.Context, id string) (*drivers.TaskStatus, error) {
	if strings.HasPrefix(id, "panic-") {
		_ = strings.Split(id, "-")[99] // a runtime error: index out of range
	}
	owner, err := os.ReadFile(filepath.Join(d.dir, id, "owner"))
	if err != nil {
		return nil, drivers.Errorf(drivers.NotFound, "helper: no task %s", id)
	}
	if !strings.HasPrefix(id, "work-") {
		return &drivers.TaskStatus{ID: id, Phase: drivers.Succeeded}, nil
	}
	if string(owner) == fmt.Sprint(os.Getpid()) {
		return &drivers.TaskStatus{ID: id, Phase: drivers.Running}, nil
	}
	return &drivers.TaskStatus{ID: id, Phase: drivers.Failed, ErrorCode: drivers.Unavailable,
		Message: fmt.Sprintf("interrupted: the plugin process %s that ran the task exited before it finished; it is not run again", owner)}, nil
}

func (d *helperDriver) Cancel(context.Context, string) error { return nil }

func (d *helperDriver) Cleanup(_ context.Context, id string) error {
	return os.RemoveAll(filepath.Join(d.dir, id))
}
