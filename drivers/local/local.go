package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/notify"
	"github.com/dpsdk/dataprotection/repository"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Defaults of Options.
const (
	// DefaultShell runs every command, as `sh -c <command>`.
	DefaultShell = "sh"
	// DefaultKillGrace is the wait between SIGTERM and SIGKILL.
	DefaultKillGrace = 10 * time.Second
	// DefaultLogTailBytes bounds TaskStatus.LogTail.
	DefaultLogTailBytes = 4 << 10
	// DefaultStateDirName is the state directory under Root when
	// Options.StateDir is empty. It cannot be a claim's name (claim names
	// never start with a dot).
	DefaultStateDirName = ".dataprotection-tasks"
)

// Options configure a Driver. Root is required; the other fields have
// defaults.
type Options struct {
	// Root is the local storage root: a task's claim is the directory
	// <Root>/<Storage.ClaimName> and its backup directory
	// <Root>/<Storage.ClaimName>/<Storage.Path>. Required; created if
	// missing. A relative Root (and StateDir) is relative to the working
	// directory of the host process when New is called: New makes both
	// absolute, so that tasks, which run in directories of their own, see
	// the same paths.
	Root string
	// StateDir holds the tasks' state, logs and output, one directory per
	// task ID. Default <Root>/.dataprotection-tasks. A new Driver on the
	// same StateDir adopts the tasks an earlier one started. One Driver at
	// a time may use a StateDir.
	StateDir string
	// Secrets resolves the secrets tasks reference. Nil: a task that
	// references a secret fails to start with FailedPrecondition (unless
	// the reference is optional).
	Secrets SecretSource
	// ConfigMaps resolves the config maps tasks reference; nil as for
	// Secrets.
	ConfigMaps ConfigMapSource
	// Shell is the shell that runs commands, by name (looked up in PATH)
	// or path. Default "sh".
	Shell string
	// KillGrace is the wait between SIGTERM and SIGKILL when a task is
	// cancelled or runs past its deadline. Default 10s.
	KillGrace time.Duration
	// LogTailBytes bounds TaskStatus.LogTail. Default 4 KiB.
	LogTailBytes int
	// Environ is the environment every command starts from, before the
	// task's; nil means the host process's (os.Environ()).
	Environ []string
	// Logger receives the driver's own log lines (task IDs, process IDs,
	// directories; never environment values). Default logr.Discard().
	Logger logr.Logger
	// Repositories are repository handles by registered name, used for
	// tasks with a drivers.Repository of that name instead of opening its
	// URL (a mem:// repository shared with the engine, or a client the
	// host configured itself). Optional: without one, a task's repository
	// is opened from its URL and client environment (see Repositories in
	// the package documentation).
	Repositories map[string]*repository.Repository
}

var errUnsupported = errors.New("the local driver needs a Unix system (process groups, flock)")

// Driver runs tasks as local processes. It is safe for concurrent use.
type Driver struct {
	opts  Options
	root  string // Root, absolute, symlinks resolved
	state string // StateDir, absolute, symlinks resolved
	shell string // absolute path of the shell
	log   logr.Logger

	locks keyedLocks

	mu      sync.Mutex
	closed  bool
	timers  map[string][]*time.Timer    // deadline and kill timers by task ID
	secrets map[string]*envvar.Redactor // what to redact, by task ID
	pids    map[string]int              // processes started by this Driver
	guards  map[string]*os.File         // the tasks' lock files, kept open (see guard.go)
	// measuring are the measurements of finished backups, by task ID.
	measuring map[string]*measurement
	// transfers are the repository transfers, by task ID and direction.
	transfers map[string]*transfer

	// listeners are Notify's; adoptOnce starts the watch of the tasks an
	// earlier Driver started; done is closed by Close.
	listeners notify.Listeners
	adoptOnce sync.Once
	done      chan struct{}
}

// New returns a driver over opts. It creates Root and StateDir when they are
// missing, and adopts the tasks found in StateDir.
func New(opts Options) (*Driver, error) {
	if !supported {
		return nil, drivers.WithCode(drivers.Unimplemented, errUnsupported)
	}
	if opts.Root == "" {
		return nil, drivers.Errorf(drivers.InvalidArgument, "local driver: Options.Root is required")
	}
	if opts.StateDir == "" {
		opts.StateDir = filepath.Join(opts.Root, DefaultStateDirName)
	}
	if opts.Shell == "" {
		opts.Shell = DefaultShell
	}
	if opts.KillGrace <= 0 {
		opts.KillGrace = DefaultKillGrace
	}
	if opts.LogTailBytes <= 0 {
		opts.LogTailBytes = DefaultLogTailBytes
	}
	if opts.Environ == nil {
		opts.Environ = os.Environ()
	}
	if opts.Logger.GetSink() == nil {
		opts.Logger = logr.Discard()
	}
	d := &Driver{opts: opts, log: opts.Logger.WithName("local"), locks: keyedLocks{m: map[string]*keyedLock{}},
		timers: map[string][]*time.Timer{}, secrets: map[string]*envvar.Redactor{}, pids: map[string]int{},
		guards: map[string]*os.File{}, measuring: map[string]*measurement{}, transfers: map[string]*transfer{},
		done: make(chan struct{})}
	var err error
	if d.root, err = realDir(opts.Root, 0o755); err != nil {
		return nil, err
	}
	if d.state, err = realDir(opts.StateDir, 0o700); err != nil {
		return nil, err
	}
	if d.shell, err = exec.LookPath(opts.Shell); err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "local driver: shell %q: %w", opts.Shell, err)
	}
	if d.shell, err = filepath.Abs(d.shell); err != nil {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "local driver: shell %q: %w", opts.Shell, err)
	}
	d.sweep()
	d.sweepLocks()
	return d, nil
}

// realDir creates dir when missing and returns its absolute path with
// symlinks resolved.
func realDir(dir string, perm os.FileMode) (string, error) {
	if err := os.MkdirAll(dir, perm); err != nil {
		return "", drivers.Errorf(drivers.FailedPrecondition, "local driver: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", drivers.Errorf(drivers.FailedPrecondition, "local driver: %w", err)
	}
	return abs, nil
}

// sweep removes what an interrupted Start or Cleanup left in the state
// directory.
func (d *Driver) sweep() {
	entries, err := os.ReadDir(d.state)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), trashPrefix) {
			_ = os.RemoveAll(filepath.Join(d.state, e.Name()))
		}
	}
}

// capabilities is what the local driver runs: every task kind, for the
// backup types whose data is files.
var capabilities = drivers.Capabilities{
	Kinds:        []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindHook, drivers.KindStatusUpdate, drivers.KindDeleteArtifacts},
	BackupTypes:  []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile},
	Repositories: true,
}

// Capabilities implements drivers.Driver: backup, restore, hook,
// status-update and delete-artifacts tasks of datafile and logfile backups
// (not snapshots), with repositories. It never changes.
func (d *Driver) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	if err := ctx.Err(); err != nil {
		return drivers.Capabilities{}, drivers.WithCode(drivers.Canceled, err)
	}
	return drivers.Capabilities{Kinds: append([]drivers.TaskKind(nil), capabilities.Kinds...),
		BackupTypes: append([]v1alpha1.BackupType(nil), capabilities.BackupTypes...), Repositories: true}, nil
}

// Close stops the driver's timers (deadlines, kill escalations). The tasks
// it started keep running; a new Driver on the same StateDir adopts them and
// enforces their deadlines again. After Close, the Driver's methods return
// errors with code FailedPrecondition.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		close(d.done)
	}
	d.closed = true
	for id, ts := range d.timers {
		for _, t := range ts {
			t.Stop()
		}
		delete(d.timers, id)
	}
	for id := range d.guards {
		d.dropGuardLocked(id)
	}
	return nil
}

// begin checks ctx and that the driver is open, before any operation.
func (d *Driver) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return drivers.Errorf(drivers.ErrorCode(err), "local driver: %s: %w", op, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return drivers.Errorf(drivers.FailedPrecondition, "local driver: %s: driver is closed", op)
	}
	return nil
}

// addTimer runs f after delay, unless the driver is closed or the task is
// forgotten first.
func (d *Driver) addTimer(id string, delay time.Duration, f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.timers[id] = append(d.timers[id], time.AfterFunc(delay, f))
}

func (d *Driver) hasTimer(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.timers[id]) > 0
}

// forget drops what the driver keeps in memory about a task.
func (d *Driver) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, t := range d.timers[id] {
		t.Stop()
	}
	delete(d.timers, id)
	delete(d.secrets, id)
	delete(d.pids, id)
	delete(d.measuring, id)
	d.forgetTransfers(id)
	d.dropGuardLocked(id)
}

func (d *Driver) String() string { return fmt.Sprintf("local driver (root %s)", d.root) }

// keyedLocks serialises the operations on one task ID; waiting for the
// lock honours the caller's context.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	ch   chan struct{}
	refs int
}

// lock locks id; it returns the unlock function, or the context's error.
func (k *keyedLocks) lock(ctx context.Context, id string) (func(), error) {
	k.mu.Lock()
	l := k.m[id]
	if l == nil {
		l = &keyedLock{ch: make(chan struct{}, 1)}
		k.m[id] = l
	}
	l.refs++
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.m, id)
		}
		k.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, drivers.Errorf(drivers.ErrorCode(ctx.Err()), "local driver: task %s: %w", id, ctx.Err())
	}
}
