package plugin

import (
	"bytes"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"github.com/hashicorp/go-hclog"
)

// newHCLogger returns the hclog.Logger go-plugin needs, writing to log:
// go-plugin's own lines and the plugin's log lines (which it reads from the
// plugin's standard error) become log's Info lines.
func newHCLogger(log logr.Logger) hclog.Logger {
	if log.GetSink() == nil || !log.Enabled() {
		return hclog.NewNullLogger()
	}
	return hclog.New(&hclog.LoggerOptions{Name: "go-plugin", Level: hclog.Info, Output: logrWriter{log}, DisableTime: true})
}

// logrWriter writes each line it is given as one Info line of a logr.Logger.
type logrWriter struct{ log logr.Logger }

func (w logrWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if line != "" {
			w.log.Info(line)
		}
	}
	return len(p), nil
}

// Bounds of tailWriter.
const (
	tailLines = 5
	tailBytes = 1 << 10
)

// tailWriter keeps the last lines written to it (a plugin's standard error),
// for error messages about a process that died.
type tailWriter struct {
	mu    sync.Mutex
	lines []string
	part  []byte
}

func newTailWriter() *tailWriter { return &tailWriter{} }

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimSpace(string(w.part[:i])); line != "" {
			w.lines = append(w.lines, line)
			if len(w.lines) > tailLines {
				w.lines = w.lines[len(w.lines)-tailLines:]
			}
		}
		w.part = w.part[i+1:]
	}
	if len(w.part) > tailBytes {
		w.part = w.part[len(w.part)-tailBytes:]
	}
	return len(p), nil
}

// String returns the last lines, joined by " | ", at most tailBytes long.
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	lines := w.lines
	if p := strings.TrimSpace(string(w.part)); p != "" {
		lines = append(lines[:len(lines):len(lines)], p)
	}
	s := strings.Join(lines, " | ")
	if len(s) > tailBytes {
		s = "..." + s[len(s)-tailBytes:]
	}
	return s
}
