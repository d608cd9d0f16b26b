package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

// binary is the dpctl the tests run, built once by TestMain.
var binary string

// TestMain builds dpctl (with -race when the tests run with it) and runs the
// tests, which drive the binary as a person would.
func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dpctl-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "dpctl")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build dpctl: %v\n%s", err, out)
		return 1
	}
	return testenv.RunMain(m)
}

// result is what one run of dpctl did.
type result struct {
	stdout, stderr string
	code           int
}

// dpctl runs the binary with args and the environment env (and nothing of
// the test process's environment but PATH and HOME).
func dpctl(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run dpctl %q: %v", args, err)
	}
	r := result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	t.Logf("dpctl %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	return r
}

// must runs dpctl and fails the test unless it exits 0.
func must(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := dpctl(t, env, "", args...)
	if r.code != 0 {
		t.Fatalf("dpctl %q exited %d: %s", args, r.code, r.stderr)
	}
	return r
}

// table parses a table printed by dpctl get into rows of named cells.
// Empty cells are not recoverable from the text: columns are found from
// the header's positions.
func table(t *testing.T, out string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	header := lines[0]
	var names []string
	var starts []int
	for i, f := range strings.Fields(header) {
		start := strings.Index(header, f)
		if i > 0 {
			start = strings.Index(header[starts[i-1]+len(names[i-1]):], f) + starts[i-1] + len(names[i-1])
		}
		names, starts = append(names, f), append(starts, start)
	}
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := map[string]string{}
		for i, name := range names {
			end := len(line)
			if i+1 < len(starts) && starts[i+1] < end {
				end = starts[i+1]
			}
			if starts[i] < len(line) {
				row[name] = strings.TrimSpace(line[starts[i]:end])
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// replaceOnce replaces the one occurrence of old in s.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(s, old), "occurrences of %q", old)
	return strings.Replace(s, old, new, 1)
}
