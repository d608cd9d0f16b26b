//go:build unix

package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
)

// scriptRun is the outcome of running a generated script with the local sh.
type scriptRun struct {
	code           int
	stdout, stderr string
	message        []byte // the termination message file
	result         scriptResult
}

// runJobScript runs the Job script of s, with the step variables carried
// as stepEnv does (expanded as the kubelet would), and parses its
// termination message.
func runJobScript(t *testing.T, s *scriptSpec, env ...string) scriptRun {
	t.Helper()
	s.messagePath = filepath.Join(t.TempDir(), "termination-log")
	vars := append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	values := map[string]string{}
	for _, v := range stepEnv(s.steps) {
		value := envvar.Expand(v.Value, func(n string) (string, bool) { x, ok := values[n]; return x, ok })
		values[v.Name] = value
		vars = append(vars, v.Name+"="+value)
	}
	var stdout, stderr bytes.Buffer
	code, err := podexectest.Run(context.Background(), []string{"sh", "-c", jobScript(s)}, vars, nil, &stdout, &stderr)
	require.NoError(t, err)
	r := scriptRun{code: code, stdout: stdout.String(), stderr: stderr.String()}
	r.message, err = os.ReadFile(s.messagePath)
	require.NoError(t, err, "the script always writes its result; stderr: %s", stderr.String())
	require.LessOrEqual(t, len(r.message), 4096, "a termination message holds at most 4096 bytes")
	require.True(t, json.Valid(r.message), "the termination message is JSON: %s", r.message)
	var ok bool
	r.result, ok = parseResult(string(r.message))
	require.True(t, ok, "the termination message parses: %s", r.message)
	require.Equal(t, code, r.result.ExitCode, "the message records the exit status")
	return r
}

func backupSpec(t *testing.T, steps ...drivers.Step) (*scriptSpec, string) {
	dir := filepath.Join(t.TempDir(), "backupdata", "ns", "b1")
	return &scriptSpec{steps: steps, workDir: dir, createWorkDir: true, listDir: dir}, dir
}

func TestScriptRunsStepsAndCommandsInOrderWithStepEnv(t *testing.T) {
	out := filepath.Join(t.TempDir(), "order")
	rec := func(s string) string { return fmt.Sprintf(`echo "%s" >> %s`, s, quote(out)) }
	first := drivers.Step{Name: "first", Commands: []string{rec("1:$A:$B"), rec("2:$A")},
		Env: []corev1.EnvVar{{Name: "A", Value: "step-a"}}}
	second := drivers.Step{Name: "second", Commands: []string{rec("3:$A:$B")}}
	third := drivers.Step{Name: "third", Commands: []string{rec("4:$A:$B:$C")},
		Env: []corev1.EnvVar{{Name: "B", Value: "step-b"}, {Name: "A", Value: "$(B)+"}, {Name: "C", Value: "$$(B) it's \"q\" $HOME"}}}
	s, _ := backupSpec(t, first, second, third)
	r := runJobScript(t, s, "A=task-a", "B=task-b")
	require.Equal(t, 0, r.code, r.stderr)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "1:step-a:task-b\n2:step-a\n3:task-a:task-b\n4:step-b+:step-b:$(B) it's \"q\" $HOME\n", string(got),
		"steps in order; a step's variables only in that step; $(VAR) of the step's earlier variables; values never re-evaluated by the shell")
}

func TestScriptStopsAtTheFirstFailingCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ran")
	s, _ := backupSpec(t,
		drivers.Step{Name: "one", Commands: []string{"echo one >> " + quote(out), `echo "tool: disk full" >&2; exit 3`, "echo never >> " + quote(out)}},
		drivers.Step{Name: "two", Commands: []string{"echo two >> " + quote(out)}})
	r := runJobScript(t, s)
	assert.Equal(t, 3, r.code, "the task's exit status is the failing command's")
	got, _ := os.ReadFile(out)
	assert.Equal(t, "one\n", string(got), "no command after the failing one runs")
	assert.Equal(t, `step 1 ("one") command 2`, r.result.Failed)
	assert.Contains(t, r.result.LogTail, "tool: disk full", "the log tail has the command's standard error")
	assert.Empty(t, r.result.Artifacts, "a failed backup lists no artifacts")
	assert.Nil(t, r.result.FileCount)
	assert.Contains(t, r.stderr, "tool: disk full", "standard error still reaches the container log")
}

func TestScriptCommandsRunWithShC(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	s, _ := backupSpec(t, drivers.Step{Name: "s", Commands: []string{
		"exit 0; echo unreachable",                       // exit ends only this command's shell
		"X=1\necho \"multi $X\" > " + quote(out),         // a multi-line command
		`[ -z "$X" ] && echo 'no leak' >> ` + quote(out), // variables do not leak between commands
	}})
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.stderr)
	got, _ := os.ReadFile(out)
	assert.Equal(t, "multi 1\nno leak\n", string(got))
}

func TestScriptReportsArtifactsSortedWithSizeAndSHA256(t *testing.T) {
	s, dir := backupSpec(t, drivers.Step{Name: "backup", Commands: []string{
		`printf 'hello' > data.bin`, // the steps run in BACKUP_DIR, which the script creates
		`mkdir -p sub && printf '%s' 'x y' > 'sub/b c.txt'`,
		`printf z > 'q"uo\te'`,
		`printf w > "$(printf 'tab\tname')"`,
		`echo progress; echo '{"backupTool":{"CheckPoint":"0/3000028"}}'; echo`,
	}})
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.stderr)
	files := map[string]string{"data.bin": "hello", "sub/b c.txt": "x y", `q"uo\te`: "z", "tab\tname": "w"}
	var want []drivers.Artifact
	var total int64
	for name, content := range files {
		sum := sha256.Sum256([]byte(content))
		want = append(want, drivers.Artifact{Path: name, Size: int64(len(content)), Checksum: "sha256:" + hex.EncodeToString(sum[:])})
		total += int64(len(content))
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, content, string(got))
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Path < want[j].Path })
	var st drivers.TaskStatus
	r.result.applyTo(&st)
	assert.Equal(t, want, st.Artifacts)
	assert.Equal(t, total, st.TotalSize)
	assert.Equal(t, aggregate(want), "sha256:"+r.result.SHA256, "the combined sha256 is the engine's checksum of the list")
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/3000028"}}`, string(st.Output), "the last non-empty line of standard output")
	assert.Contains(t, r.stdout, "progress", "standard output still reaches the container log")
}

// aggregate is the engine's checksum of several artifacts (executor's
// checksumOf).
func aggregate(arts []drivers.Artifact) string {
	h := sha256.New()
	for _, a := range arts {
		fmt.Fprintf(h, "%s  %s\n", a.Checksum, a.Path)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func TestScriptSummarizesWhenTheListDoesNotFit(t *testing.T) {
	cmds := []string{`i=0; while [ $i -lt 400 ]; do printf "%d" $i > "file-with-a-long-name-$(printf %04d $i).dat"; i=$((i+1)); done`}
	s, dir := backupSpec(t, drivers.Step{Name: "many", Commands: cmds})
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.stderr)
	require.NotNil(t, r.result.FileCount)
	assert.Equal(t, 400, *r.result.FileCount)
	assert.Empty(t, r.result.Artifacts, "400 files do not fit 4096 bytes")

	var arts []drivers.Artifact
	var total int64
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		arts = append(arts, drivers.Artifact{Path: e.Name(), Size: int64(len(data)), Checksum: "sha256:" + hex.EncodeToString(sum[:])})
		total += int64(len(data))
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	var st drivers.TaskStatus
	r.result.applyTo(&st)
	assert.Equal(t, total, st.TotalSize)
	require.Len(t, st.Artifacts, 1, "one artifact stands for the whole directory")
	assert.Equal(t, ".", st.Artifacts[0].Path)
	assert.Equal(t, total, st.Artifacts[0].Size)
	assert.Equal(t, aggregate(arts), st.Artifacts[0].Checksum,
		"its checksum is what the engine would compute from the full list")
}

func TestScriptResultStaysWithinTheTerminationMessageLimit(t *testing.T) {
	long := strings.Repeat(`\"x`, 1500)
	for name, cmds := range map[string][]string{
		"a huge JSON output line":     {`printf '{"k":"%s"}\n' "` + long + `"`},
		"a huge log before a failure": {`i=0; while [ $i -lt 200 ]; do echo "error line $i \"quoted\" \\ with control $(printf '\001')" >&2; i=$((i+1)); done; exit 1`},
		"an output and many files": {`i=0; while [ $i -lt 60 ]; do printf x > "f$i"; i=$((i+1)); done`,
			`printf '{"k":"%s"}\n' "` + strings.Repeat("y", 2000) + `"`},
	} {
		t.Run(name, func(t *testing.T) {
			s, _ := backupSpec(t, drivers.Step{Name: "s", Commands: cmds})
			r := runJobScript(t, s) // checks the size and that it is JSON
			if r.result.Output == "" {
				assert.Positive(t, r.result.OutputOmitted+len(r.result.LogTail), "what did not fit is said: %s", r.message)
			}
		})
	}
}

func TestScriptOutputMustLookLikeAnObject(t *testing.T) {
	s, _ := backupSpec(t, drivers.Step{Name: "s", Commands: []string{`echo '{"a":1}'`, `echo done`}})
	r := runJobScript(t, s)
	assert.Empty(t, r.result.Output, "the last line is not a JSON object")
	s, _ = backupSpec(t, drivers.Step{Name: "s", Commands: []string{`echo '{not json}'`}})
	r = runJobScript(t, s)
	var st drivers.TaskStatus
	r.result.applyTo(&st)
	assert.Nil(t, st.Output, "a line that only looks like an object is not output")
}

func TestScriptOfARestoreDoesNotCreateItsDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	out := filepath.Join(t.TempDir(), "pwd")
	s := &scriptSpec{steps: []drivers.Step{{Name: "r", Commands: []string{"pwd > " + quote(out)}}}, workDir: dir}
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.stderr)
	assert.NoDirExists(t, dir)
	assert.Nil(t, r.result.FileCount, "a restore lists no files")
}

func TestScriptIsDeterministicAndSafeToEmbed(t *testing.T) {
	task := backupTask("ns", "t-1")
	p := jobPlan{namespace: "ns"}
	a, b := jobScript(taskScript(task, p)), jobScript(taskScript(task, p))
	assert.Equal(t, a, b, "the same task makes the same script")
	assert.NotContains(t, reportAWK, "'", "the awk program is embedded in single quotes")
	assert.Contains(t, a, "pg_basebackup", "the commands are in the script")
}

func TestQuoteRoundTripsThroughTheShell(t *testing.T) {
	for _, s := range []string{"", "plain", "it's", `"$HOME" \n $(id) ` + "`id`", "line\nbreak", "'''", "é ☃"} {
		var out bytes.Buffer
		_, err := podexectest.Run(context.Background(), []string{"sh", "-c", "printf '%s' " + quote(s)}, nil, nil, &out, &out)
		require.NoError(t, err)
		assert.Equal(t, s, out.String())
	}
}

func TestRewriteRefs(t *testing.T) {
	names := map[string]string{"B": "__DP_S1_B"}
	for in, want := range map[string]string{
		"$(B)":       "$(__DP_S1_B)",
		"x$(B)y$(C)": "x$(__DP_S1_B)y$(C)",
		"$$(B)":      "$$(B)",
		"$(B":        "$(B",
		"$x $":       "$x $",
		"no refs":    "no refs",
		"$$$(B)":     "$$$(__DP_S1_B)",
		"$(B)$(B)":   "$(__DP_S1_B)$(__DP_S1_B)",
	} {
		assert.Equal(t, want, rewriteRefs(in, names), in)
		// Expanding the rewritten value with the carrier gives what
		// expanding the original with the step's value gives.
		orig := envvar.Expand(in, func(n string) (string, bool) { return map[string]string{"B": "v"}[n], n == "B" })
		re := envvar.Expand(rewriteRefs(in, names), func(n string) (string, bool) {
			return map[string]string{"__DP_S1_B": "v"}[n], n == "__DP_S1_B"
		})
		assert.Equal(t, orig, re, in)
	}
}

func TestDeleteCommandRemovesExactlyTheDirectory(t *testing.T) {
	mount := filepath.Join(t.TempDir(), "backupdata")
	for _, d := range []string{"ns/prefix/b1/sub", "ns/prefix/b10", "ns/other"} {
		require.NoError(t, os.MkdirAll(filepath.Join(mount, d), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(mount, d, "f"), []byte("x"), 0o644))
	}
	run := func(rel string) {
		var out bytes.Buffer
		code, err := podexectest.Run(context.Background(), []string{"sh", "-c", deleteCommand(&drivers.Storage{MountPath: mount, Path: rel}, false)},
			nil, nil, &out, &out)
		require.NoError(t, err)
		require.Equal(t, 0, code, out.String())
	}
	run("ns/prefix/b1")
	assert.NoDirExists(t, filepath.Join(mount, "ns/prefix/b1"))
	assert.FileExists(t, filepath.Join(mount, "ns/prefix/b10/f"), "a sibling with the same prefix stays")
	run("ns/prefix/b10")
	assert.NoDirExists(t, filepath.Join(mount, "ns/prefix"), "parents left empty are removed")
	assert.FileExists(t, filepath.Join(mount, "ns/other/f"), "parents that are not empty stay")
	assert.DirExists(t, mount)
	run("ns/prefix/b10") // a second deletion finds nothing and succeeds
}
