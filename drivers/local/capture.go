package local

import (
	_ "embed"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
)

// Bounds of the output a task leaves in its state directory, whatever its
// commands print.
const (
	// OutputKeptBytes is how much of a task's combined output (standard
	// output and standard error) the driver keeps at least, all of it when
	// it is shorter: the end that Log returns and LogTail is cut from.
	OutputKeptBytes = 1 << 20
	// MaxOutputBytes bounds the output files of a task's state directory:
	// the combined output in two files of less than OutputKeptBytes + 1 MiB
	// each, and the end of standard output, where the JSON output is looked
	// for, in two files of less than 64 KiB + 1 MiB each, and the first
	// 4 KiB of standard output (6.13 MiB).
	MaxOutputBytes = 2*(OutputKeptBytes+captureRead) + 2*(outputWindow+captureRead) + outputHead
	// captureRead bounds what the capture appends to a file between two
	// looks at its size (one dd of 256 blocks of 4 KiB; see capture.sh).
	captureRead = 1 << 20
	// outputHead is how much of the start of standard output the capture
	// keeps (stdout.log.head), for messages about an output that is not
	// a usable JSON object.
	outputHead = 4 << 10
)

// captureScript copies a task's output into its state directory, keeping a
// bounded tail of it (see capture.sh). Like the supervisor, it is written
// into the state directory and needs nothing from the host process.
//
//go:embed capture.sh
var captureScript []byte

// outputPipes connect a task's supervisor to its capture: the commands'
// standard output (which the capture forwards into the combined output)
// and the combined output (their standard error, and what is forwarded).
type outputPipes struct {
	stdoutR, stdoutW, combinedR, combinedW *os.File
}

func newOutputPipes() (*outputPipes, error) {
	p := &outputPipes{}
	var err error
	if p.stdoutR, p.stdoutW, err = os.Pipe(); err != nil {
		return nil, err
	}
	if p.combinedR, p.combinedW, err = os.Pipe(); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// close closes the driver's ends of the pipes, once the supervisor and the
// capture have theirs: the capture then sees the end of its input when the
// task's processes are gone.
func (p *outputPipes) close() {
	for _, f := range []*os.File{p.stdoutR, p.stdoutW, p.combinedR, p.combinedW} {
		if f != nil {
			f.Close()
		}
	}
}

// startCapture starts the capture of a task's output, in a session of its
// own (so that killing the task's process group leaves it to copy what is
// left), holding the task's lock. It is reaped in the background.
func (d *Driver) startCapture(id, dir string, p *outputPipes, lock *os.File) error {
	cmd := exec.Command(d.shell, filepath.Join(dir, fileCapture))
	cmd.Dir = dir
	cmd.Env = append(hostEnv(d.opts.Environ), reservedPrefix+"STATE="+dir,
		reservedPrefix+"KEEP_OUTPUT="+strconv.Itoa(OutputKeptBytes),
		reservedPrefix+"KEEP_STDOUT="+strconv.Itoa(outputWindow))
	cmd.Stdin = p.combinedR
	cmd.ExtraFiles = []*os.File{lock, p.stdoutR, p.combinedW} // descriptors 3, 4 and 5
	cmd.SysProcAttr = newSession()
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		_ = cmd.Wait()
		d.notify(id) // the output is complete
	}()
	return nil
}

// hostEnv is the host's environment without the variables whose names
// the driver reserves.
func hostEnv(host []string) []string {
	env := make([]string, 0, len(host)+8)
	for _, kv := range host {
		if !strings.HasPrefix(kv, reservedPrefix) {
			env = append(env, kv)
		}
	}
	return env
}

// captureGrace is how long after a task's end the driver waits for the
// capture to read the end of its output: a process that left the task's
// process group (setsid, a daemon) may hold the output open, and the task
// is over all the same once this has passed.
var captureGrace = 10 * time.Second

// outputComplete reports whether the capture of the output of a task that
// ended is over (the file "captured"), or the task ended captureGrace ago;
// tasks the driver runs itself have no capture.
func outputComplete(dir string, st *taskState, exit *exitRecord) bool {
	return st.Kind == drivers.KindDeleteArtifacts || exists(filepath.Join(dir, fileCaptured)) ||
		(!exit.time.IsZero() && time.Since(exit.time) > captureGrace)
}

// readKept returns the last limit bytes of the output kept in name.1 and
// name, and whether that is all of it: nothing was dropped, by the capture
// (name.cut) or here.
func readKept(dir, name string, limit int64) (data []byte, whole bool) {
	newer, n1 := readEnd(filepath.Join(dir, name), limit)
	older, n2 := readEnd(filepath.Join(dir, name+".1"), limit-int64(len(newer)))
	whole = n1+n2 <= limit && !exists(filepath.Join(dir, name+".cut"))
	return append(older, newer...), whole
}

// readEnd returns the last limit bytes of the file at path (none when it
// is missing) and its size.
func readEnd(path string, limit int64) ([]byte, int64) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0
	}
	size := fi.Size()
	n := min(size, max(limit, 0))
	data := make([]byte, n)
	k, err := f.ReadAt(data, size-n)
	if err != nil && err != io.EOF {
		return nil, size
	}
	return data[:k], size
}
