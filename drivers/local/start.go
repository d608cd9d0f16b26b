package local

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// Start implements drivers.Driver. It checks the task, prepares its
// directories, resolves its environment, records it in the state directory
// and starts its supervisor, then returns; a task ID already in the state
// directory is adopted and nothing runs again. Errors: InvalidArgument for a
// malformed task (bad ID, storage path with "..", no commands),
// Unimplemented for snapshot tasks, FailedPrecondition when a claim that
// may not be created, a restore's backup directory, a secret or config map
// is missing, or a directory is a symlink; Canceled when ctx is done.
func (d *Driver) Start(ctx context.Context, t *drivers.Task) error {
	if err := d.begin(ctx, "start"); err != nil {
		return err
	}
	if err := validateTask(t); err != nil {
		return err
	}
	unlock, err := d.locks.lock(ctx, t.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if exists(d.taskDir(t.ID)) {
		d.log.V(1).Info("adopting a known task", "task", t.ID)
		return nil
	}
	if held, _ := d.held(t.ID); held {
		d.log.Info("adopting a running task whose state directory is gone", "task", t.ID)
		return nil
	}
	if err := d.start(ctx, t); err != nil {
		return fmt.Errorf("local driver: start %s task %s: %w", t.Kind, t.ID, err)
	}
	return nil
}

func (d *Driver) start(ctx context.Context, t *drivers.Task) error {
	pl := d.place(t.Storage)
	if staged(t) {
		pl = d.stagingPlace(t)
	}
	rt := &resolvedTask{}
	var err error
	if t.Kind != drivers.KindDeleteArtifacts {
		if rt, err = d.resolve(ctx, t, pl); err != nil {
			return err
		}
	}
	work, err := d.prepare(t, pl)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return drivers.WithCode(drivers.Canceled, err)
	}
	if work == "" { // the task's own directory, in its state directory
		work = filepath.Join(d.taskDir(t.ID), dirWork)
	}
	dir, lock, err := d.accept(t, pl, work, rt)
	if err != nil || lock == nil {
		return err
	}
	d.mu.Lock()
	d.secrets[t.ID] = rt.redactor
	d.mu.Unlock()
	switch {
	case !t.Deadline.IsZero() && !time.Now().Before(t.Deadline):
		lock.Close()
		return d.stopLocked(t.ID, drivers.DeadlineExceeded, deadlineReason(t.Deadline))
	case t.Kind == drivers.KindDeleteArtifacts:
		go d.runDelete(t.ID, dir, pl, lock)
	case staged(t) && len(t.Repository.Pull) > 0:
		go d.pullThenLaunch(t, dir, work, rt, lock)
	default:
		d.launch(t.ID, dir, work, rt, lock)
	}
	d.watch(t.ID, t.Deadline)
	return nil
}

// validateTask checks the task's shape (drivers.ValidateTask), that the
// local driver runs its kind and backup type, and that it has commands.
func validateTask(t *drivers.Task) error {
	if err := drivers.ValidateTask(t); err != nil {
		return fmt.Errorf("local driver: %w", err)
	}
	if !capabilities.Supports(t.Kind, t.BackupType) {
		return drivers.Errorf(drivers.Unimplemented, "local driver: task %s: %s tasks of %q backups are not supported", t.ID, t.Kind, t.BackupType)
	}
	if err := drivers.ValidateCommands(t); err != nil {
		return fmt.Errorf("local driver: %w", err)
	}
	return nil
}

// prepare checks (and for backups creates) the task's directories and
// returns the commands' working directory ("" for a directory of the task's
// own).
func (d *Driver) prepare(t *drivers.Task, pl placement) (string, error) {
	if staged(t) { // in the task's state directory: populate makes it
		return pl.dir, nil
	}
	claim := relTo(d.root, pl.claim)
	switch t.Kind {
	case drivers.KindBackup:
		if err := safeDir(d.root, claim, t.Storage.Create != nil); err != nil {
			return "", claimError(t.Storage.ClaimName, err)
		}
		return pl.dir, safeDir(pl.claim, pl.rel, true)
	case drivers.KindRestore:
		if err := safeDir(d.root, claim, false); err != nil {
			return "", claimError(t.Storage.ClaimName, err)
		}
		if err := safeDir(pl.claim, pl.rel, false); err != nil {
			if drivers.IsNotFound(err) {
				return "", drivers.Errorf(drivers.FailedPrecondition, "the backup directory %s of claim %q does not exist", pl.rel, t.Storage.ClaimName)
			}
			return "", err
		}
		return pl.dir, nil
	case drivers.KindDeleteArtifacts:
		return "", checkDeletable(d.root, pl)
	}
	if t.Storage == nil {
		return "", nil
	}
	err := safeDir(d.root, claim, false)
	if err == nil {
		err = safeDir(pl.claim, pl.rel, false)
	}
	switch {
	case err == nil:
		return pl.dir, nil
	case drivers.IsNotFound(err):
		return "", nil // a pre-backup status update runs before the directory exists
	}
	return "", err
}

func claimError(claim string, err error) error {
	if drivers.IsNotFound(err) {
		return drivers.Errorf(drivers.FailedPrecondition, "claim %q does not exist and the task may not create it", claim)
	}
	return err
}

// accept records the task in its state directory, atomically: the task's
// lock is taken first, then the directory is built under a temporary name
// and renamed into place. It returns the directory and the locked lock
// file; a nil lock means that the task runs or was accepted already (it is
// adopted).
func (d *Driver) accept(t *drivers.Task, pl placement, work string, rt *resolvedTask) (string, *os.File, error) {
	lock, busy, err := d.takeLock(t.ID)
	if err != nil {
		return "", nil, drivers.Errorf(drivers.Unavailable, "state directory: lock: %w", err)
	}
	if busy {
		return "", nil, nil
	}
	final := d.taskDir(t.ID)
	tmp := filepath.Join(d.state, tmpPrefix+t.ID+"-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o700); err != nil {
		lock.Close()
		return "", nil, drivers.Errorf(drivers.Unavailable, "state directory: %w", err)
	}
	err = d.populate(tmp, t, pl, work, rt)
	if err == nil {
		err = os.Rename(tmp, final)
		if err != nil && exists(final) {
			lock.Close()
			_ = os.RemoveAll(tmp)
			return "", nil, nil
		}
	}
	if err != nil {
		lock.Close()
		_ = os.RemoveAll(tmp)
		return "", nil, drivers.Errorf(drivers.Unavailable, "state directory: %w", err)
	}
	d.log.V(1).Info("accepted a task", "task", t.ID, "kind", t.Kind, "stateDir", final)
	return final, lock, nil
}

// populate writes the state files of a task into dir.
func (d *Driver) populate(dir string, t *drivers.Task, pl placement, work string, rt *resolvedTask) error {
	if work == filepath.Join(d.taskDir(t.ID), dirWork) {
		if err := os.Mkdir(filepath.Join(dir, dirWork), 0o700); err != nil {
			return err
		}
	}
	if err := makeStaging(dir, t); err != nil {
		return err
	}
	st := taskState{Task: t, Kind: t.Kind, AcceptedAt: time.Now(), Deadline: t.Deadline, WorkDir: work, BackupDir: pl.dir}
	for _, s := range t.Steps {
		st.Steps = append(st.Steps, stepInfo{Name: s.Name, Commands: len(s.Commands)})
	}
	// dir is private until it is renamed into place: plain writes suffice.
	data, err := json.Marshal(st)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, fileState), data, 0o600)
	}
	if err != nil {
		return err
	}
	for name, script := range map[string][]byte{fileScript: supervisorScript, fileCapture: captureScript} {
		if err := os.WriteFile(filepath.Join(dir, name), script, 0o600); err != nil {
			return err
		}
	}
	return writeEnvFiles(dir, rt)
}

// launch starts the capture of a task's output and its supervisor, each in
// a new session. They and every process the supervisor starts inherit the
// lock file, whose lock therefore lasts as long as any of them. A task that
// cannot start is recorded as failed.
func (d *Driver) launch(id, dir, work string, rt *resolvedTask, lock *os.File) {
	cmd, err := d.spawn(id, dir, work, rt, lock)
	if err != nil {
		d.log.Error(err, "cannot start the supervisor", "task", id)
		d.endHere(id, dir, exitRecord{ExitCode: 127, Step: -1, Command: -1,
			Message: "the local driver could not start the task's supervisor: " + err.Error()}, lock)
		return
	}
	_ = lock.Close() // the supervisor and the capture hold the lock now

	pid := cmd.Process.Pid // until the supervisor records it
	d.mu.Lock()
	d.pids[id] = pid
	d.mu.Unlock()
	d.log.V(1).Info("started a task", "task", id, "pid", pid, "workDir", work)
	go func() { // reap it; its outcome is in exit.json
		_ = cmd.Wait()
		d.mu.Lock()
		if d.pids[id] == pid {
			delete(d.pids, id)
		}
		d.mu.Unlock()
		d.notify(id)
	}()
}

// endHere ends a task that ends in the driver's own process (a deletion, a
// failed download, a supervisor that could not start) as a supervisor's
// exit does: it records rec, releases the task's lock and only then
// notifies, so that a Status at the notification reads the end (with the
// lock held it would read Running, and nothing would announce the end).
func (d *Driver) endHere(id, dir string, rec exitRecord, lock *os.File) {
	if err := writeJSON(dir, fileExit, rec); err != nil {
		d.log.Error(err, "cannot record the end of a task", "task", id)
	}
	_ = lock.Close()
	d.notify(id)
}

// spawn starts the capture, then the supervisor with its standard output
// and standard error on the capture's pipes.
func (d *Driver) spawn(id, dir, work string, rt *resolvedTask, lock *os.File) (*exec.Cmd, error) {
	pipes, err := newOutputPipes()
	if err != nil {
		return nil, err
	}
	defer pipes.close()
	if err := d.startCapture(id, dir, pipes, lock); err != nil {
		return nil, err
	}
	cmd := exec.Command(d.shell, filepath.Join(dir, fileScript))
	cmd.Dir = work
	cmd.Env = supervisorEnv(d.opts.Environ, dir, d.shell, rt)
	cmd.Stdout, cmd.Stderr = pipes.stdoutW, pipes.combinedW
	cmd.ExtraFiles = []*os.File{lock}
	cmd.SysProcAttr = newSession()
	return cmd, cmd.Start()
}

func deadlineReason(dl time.Time) string {
	return "the task ran past its deadline " + dl.UTC().Format(time.RFC3339)
}
