package local

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// The files of a task's state directory, <StateDir>/<task ID>/.
const (
	fileState    = "state.json"  // the task as started (its env holds references, never secret values), its directories and deadline
	fileScript   = "run.sh"      // the supervisor script (holds no values); env.<step> hold the steps' environments while the task runs
	fileCapture  = "capture.sh"  // the output capture script
	filePID      = "pid"         // the supervisor's process ID, written by itself when it starts
	fileExit     = "exit.json"   // the supervisor's final record
	fileCancel   = "cancel.json" // a cancellation or an exceeded deadline
	fileResult   = "result.json" // the final TaskStatus, computed once
	fileLog      = "output.log"  // the end of the combined output (and output.log.1, output.log.cut; see capture.sh)
	fileStdout   = "stdout.log"  // the end of the standard output (and stdout.log.1, stdout.log.cut)
	fileCaptured = "captured"    // written by the capture once the output is complete
	dirWork      = "work"        // the working directory of tasks without one

	tmpPrefix   = ".tmp-"
	trashPrefix = ".trash-"
)

// taskState is what the driver records when it accepts a task; it never
// changes afterwards.
type taskState struct {
	// Task is the task as Start received it.
	Task *drivers.Task `json:"task"`
	// Kind of the task.
	Kind drivers.TaskKind `json:"kind"`
	// AcceptedAt is when Start accepted it.
	AcceptedAt time.Time `json:"acceptedAt"`
	// Deadline of the task; zero for none.
	Deadline time.Time `json:"deadline,omitzero"`
	// WorkDir is the commands' working directory.
	WorkDir string `json:"workDir"`
	// BackupDir is the local backup directory (BACKUP_DIR); "" without
	// storage.
	BackupDir string `json:"backupDir,omitempty"`
	// Steps are the names of the steps and their numbers of commands, for
	// failure messages.
	Steps []stepInfo `json:"steps,omitempty"`
}

type stepInfo struct {
	Name     string `json:"name"`
	Commands int    `json:"commands"`
}

// exitRecord is how the supervisor (or the driver, for the tasks it runs
// itself) records the end of a task.
type exitRecord struct {
	// ExitCode is the failing command's exit status; 0 on success.
	ExitCode int `json:"exitCode"`
	// Step and Command locate the failing command (0-based); -1 on success.
	Step    int `json:"step"`
	Command int `json:"command"`
	// Message, when set, describes the failure (for tasks the driver runs
	// itself).
	Message string `json:"message,omitempty"`
	// time is the file's modification time: when the task finished.
	time time.Time
}

// cancelRecord is a cancellation or an exceeded deadline.
type cancelRecord struct {
	Code   drivers.Code `json:"code"`
	Reason string       `json:"reason"`
	Time   time.Time    `json:"time"`
	KillAt time.Time    `json:"killAt"`
}

func (d *Driver) taskDir(id string) string { return filepath.Join(d.state, id) }

// writeAtomic writes data to dir/name through a temporary file and a
// rename, so readers see the old content or the new, never a part.
func writeAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

func writeJSON(dir, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeAtomic(dir, name, data)
}

// readJSON reads dir/name into v; found is false when the file does not
// exist.
func readJSON(dir, name string, v any) (found bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(data, v)
}

func readExit(dir string) (*exitRecord, error) {
	var e exitRecord
	found, err := readJSON(dir, fileExit, &e)
	if !found || err != nil {
		return nil, err
	}
	if fi, err := os.Stat(filepath.Join(dir, fileExit)); err == nil {
		e.time = fi.ModTime()
	}
	return &e, nil
}

func readCancel(dir string) (*cancelRecord, error) {
	var c cancelRecord
	found, err := readJSON(dir, fileCancel, &c)
	if !found || err != nil {
		return nil, err
	}
	return &c, nil
}

// readPID returns the supervisor's process ID (0 before it runs) and when it
// started: the file's modification time.
func readPID(dir string) (int, time.Time) {
	path := filepath.Join(dir, filePID)
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, time.Time{}
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	var started time.Time
	if fi, err := os.Stat(path); err == nil && pid > 0 {
		started = fi.ModTime()
	}
	return pid, started
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
