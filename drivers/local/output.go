package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// Limits of what the driver reads of a task's standard output.
const (
	// maxOutput bounds the standard output that is parsed as a whole.
	maxOutput = 1 << 20
	// outputWindow is the end of a larger standard output that is
	// searched for a JSON line; the capture keeps at least that much.
	outputWindow = 64 << 10
)

// measureWait bounds how long a Status call waits for a backup's
// measurement, or for a transfer to or from a repository (waitTransfer); a
// larger backup reports Running until a later call finds it done. A
// variable for tests.
var measureWait = 2 * time.Second

// measureGate, when a test sets it, holds every measurement until it is
// closed.
var measureGate chan struct{}

// measurement is the measurement of a finished backup's directory, made
// once, in the background, so that Status calls stay short however large
// the backup.
type measurement struct {
	done      chan struct{}
	artifacts []drivers.Artifact
	total     int64
	err       error
}

// artifacts returns the measurement of the backup directory of task id,
// starting it if needed and waiting for it a little (up to measureWait,
// and while ctx lasts); nil while it runs.
func (d *Driver) artifacts(ctx context.Context, id, backupDir string) *measurement {
	d.mu.Lock()
	m := d.measuring[id]
	if m == nil {
		m = &measurement{done: make(chan struct{})}
		d.measuring[id] = m
		gate := measureGate
		go func() {
			defer d.notify(id)
			defer close(m.done)
			if gate != nil {
				<-gate
			}
			m.artifacts, m.total, m.err = d.measure(backupDir)
		}()
	}
	d.mu.Unlock()
	t := time.NewTimer(measureWait)
	defer t.Stop()
	select {
	case <-m.done:
		return m
	case <-t.C:
	case <-ctx.Done():
	}
	return nil
}

// measure lists the regular files under a backup directory (symlinks are
// not followed) with their sizes and sha256 checksums, sorted by path, and
// their total size. The directory must still be inside the root without a
// symlink on the way.
func (d *Driver) measure(dir string) ([]drivers.Artifact, int64, error) {
	if err := safeDir(d.root, relTo(d.root, dir), false); err != nil {
		return nil, 0, err
	}
	var arts []drivers.Artifact
	var total int64
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		sum, size, err := checksum(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		arts = append(arts, drivers.Artifact{Path: filepath.ToSlash(rel), Size: size, Checksum: sum})
		total += size
		return nil
	})
	if err != nil {
		return nil, 0, drivers.Errorf(drivers.Unknown, "%w", err)
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	return arts, total, nil
}

func checksum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), n, nil
}

// jsonOutput returns the task's standard output when it is a JSON object
// (and was kept whole, at most maxOutput bytes), else the last line of its
// last outputWindow bytes that is one, else nil; secret values redacted in
// the decoded document, so that the result is always valid JSON and a value
// escaped in JSON text (a quote, a backslash, non-ASCII) is found.
func jsonOutput(dir string, red *envvar.Redactor) []byte {
	data, whole := readKept(dir, fileStdout, maxOutput)
	return outputOf(data, whole, red)
}

// outputOf finds the JSON output in the end of a task's standard output,
// data (all of it when whole), as jsonOutput describes.
func outputOf(data []byte, whole bool, red *envvar.Redactor) []byte {
	if whole {
		if out := jsonObject(bytes.TrimSpace(data), red); out != nil {
			return out
		}
	} else {
		data = fromLine(data[max(len(data)-outputWindow, 0):])
	}
	lines := bytes.Split(data, []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if out := jsonObject(bytes.TrimSpace(lines[i]), red); out != nil {
			return out
		}
	}
	return nil
}

// fromLine drops the start of data up to its first line break: the rest
// of a line that was cut.
func fromLine(data []byte) []byte {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[i+1:]
	}
	return nil
}

// jsonObject returns b, redacted, when it is one JSON object; else nil.
func jsonObject(b []byte, red *envvar.Redactor) []byte {
	if len(b) < 2 || b[0] != '{' || !json.Valid(b) {
		return nil
	}
	out, err := red.JSON(b)
	if err != nil {
		return nil // not one value: json.Valid said it is
	}
	return out
}

// outputSummary describes a task's standard output that is not reported
// as Output (drivers.TaskStatus.OutputSize and OutputStart): its size, as
// the capture counted it, and its start, redacted; zeros when it printed
// nothing.
func outputSummary(dir string, red *envvar.Redactor) (int64, string) {
	total, _ := os.ReadFile(filepath.Join(dir, fileStdout+".total"))
	size, err := strconv.ParseInt(strings.TrimSpace(string(total)), 10, 64)
	head, _ := os.ReadFile(filepath.Join(dir, fileStdout+".head"))
	if err != nil { // no count (a capture that did not finish): what is kept
		data, whole := readKept(dir, fileStdout, maxOutput)
		if size = 0; whole {
			size, head = int64(len(data)), data[:min(len(data), outputHead)]
		}
	}
	return size, drivers.OutputStartOf(head, red.String) // it redacts JSON-escaped values too
}

// logTail returns the end of the task's combined output, at most
// LogTailBytes, starting at a line when it was cut, secrets redacted.
func (d *Driver) logTail(dir string, red *envvar.Redactor) string {
	n := int64(d.opts.LogTailBytes)
	margin := int64(red.Longest()) // a value cut in two is still redacted
	data, whole := readKept(dir, fileLog, n+margin)
	s := red.Log(string(data))
	if int64(len(s)) > n {
		s, whole = s[int64(len(s))-n:], false
	}
	if !whole {
		if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
	}
	return strings.ToValidUTF8(s, "")
}

// redactor returns what hides the secret values of a task: those resolved
// when this Driver started it, or resolved again from the recorded task.
func (d *Driver) redactor(ctx context.Context, id, dir string) *envvar.Redactor {
	d.mu.Lock()
	red, ok := d.secrets[id]
	d.mu.Unlock()
	if ok {
		return red
	}
	var st taskState
	if found, err := readJSON(dir, fileState, &st); !found || err != nil || st.Task == nil {
		return nil
	}
	red = d.redactorOf(ctx, st.Task)
	d.mu.Lock()
	d.secrets[id] = red
	d.mu.Unlock()
	return red
}

// Log returns the end of the combined output of a task that the driver
// kept (all of it up to OutputKeptBytes, and at least that much), secret
// values redacted. Errors: NotFound for an unknown task.
func (d *Driver) Log(ctx context.Context, id string) ([]byte, error) {
	if err := d.begin(ctx, "log"); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, notFound(id)
	}
	dir := d.taskDir(id)
	if !exists(filepath.Join(dir, fileState)) {
		return nil, notFound(id)
	}
	data, _ := readKept(dir, fileLog, MaxOutputBytes)
	return []byte(d.redactor(ctx, id, dir).Log(string(data))), nil
}
