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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	"github.com/dpsdk/dataprotection/internal/shell"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// scriptRun is the outcome of a script run as a container.
type scriptRun struct {
	code    int
	log     string
	message []byte // the termination message
	result  scriptResult
}

// runJobScript runs the script of s as a Job's container would run on a
// node (internal/testkubelet: env resolved, $(VAR) in the args expanded by
// the kubelet's rules, the termination message read back), with env as
// the container's env before the steps' carriers, and parses its result.
func runJobScript(t *testing.T, s *scriptSpec, env ...corev1.EnvVar) scriptRun {
	t.Helper()
	s.messagePath = TerminationMessagePath
	c := corev1.Container{Name: ContainerName, Command: []string{"sh", "-c"}, Args: containerArgs(s),
		Env: append(env, stepEnv(s.steps)...), TerminationMessagePath: TerminationMessagePath,
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "job-0", Namespace: "ns"}, Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}
	term, err := testkubelet.Local{Client: kubefake.NewClientset(), Root: t.TempDir()}.Run(context.Background(), pod)
	require.NoError(t, err)
	r := scriptRun{code: int(term.ExitCode), log: term.Log, message: []byte(term.Message)}
	require.LessOrEqual(t, len(r.message), 4096, "a termination message holds at most 4096 bytes")
	require.True(t, json.Valid(r.message), "the termination message is JSON: %s; log: %s", r.message, r.log)
	var ok bool
	r.result, ok = parseResult(string(r.message))
	require.True(t, ok, "the termination message parses: %s", r.message)
	require.Equal(t, r.code, r.result.ExitCode, "the message records the exit status")
	return r
}

func backupSpec(t *testing.T, steps ...drivers.Step) (*scriptSpec, string) {
	dir := filepath.Join(t.TempDir(), "backupdata", "ns", "b1")
	return &scriptSpec{steps: steps, workDir: dir, createWorkDir: true, listDir: dir}, dir
}

func env(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func TestScriptRunsStepsAndCommandsInOrderWithStepEnv(t *testing.T) {
	out := filepath.Join(t.TempDir(), "order")
	rec := func(s string) string { return fmt.Sprintf(`echo "%s" >> %s`, s, shell.Quote(out)) }
	first := drivers.Step{Name: "first", Commands: []string{rec("1:$A:$B"), rec("2:$A:$(A)")},
		Env: []corev1.EnvVar{{Name: "A", Value: "step-a"}}}
	second := drivers.Step{Name: "second", Commands: []string{rec("3:$A:$B:$(A)")}}
	third := drivers.Step{Name: "third", Commands: []string{rec("4:$A:$B:$C:$(B)")},
		Env: []corev1.EnvVar{{Name: "B", Value: "step-b"}, {Name: "A", Value: "$(B)+"}, {Name: "C", Value: "$$(B) it's \"q\" $HOME"}}}
	s, _ := backupSpec(t, first, second, third)
	r := runJobScript(t, s, env("A", "task-a"), env("B", "task-b"))
	require.Equal(t, 0, r.code, r.log)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "1:step-a:task-b\n2:step-a:step-a\n3:task-a:task-b:task-a\n4:step-b+:step-b:$(B) it's \"q\" $HOME:step-b\n", string(got),
		"steps in order; a step's variables only in that step, in $(VAR) of its commands too; values never re-evaluated by the shell")
}

func TestScriptStopsAtTheFirstFailingCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ran")
	s, _ := backupSpec(t,
		drivers.Step{Name: "one", Commands: []string{"echo one >> " + shell.Quote(out), `echo "tool: disk full" >&2; exit 3`, "echo never >> " + shell.Quote(out)}},
		drivers.Step{Name: "two", Commands: []string{"echo two >> " + shell.Quote(out)}})
	r := runJobScript(t, s)
	assert.Equal(t, 3, r.code, "the task's exit status is the failing command's")
	got, _ := os.ReadFile(out)
	assert.Equal(t, "one\n", string(got), "no command after the failing one runs")
	assert.Equal(t, `step 1 ("one") command 2`, r.result.Failed)
	assert.Contains(t, r.result.LogTail, "tool: disk full", "the log tail has the command's standard error")
	assert.Empty(t, r.result.Artifacts, "a failed backup lists no artifacts")
	assert.Nil(t, r.result.FileCount)
	assert.Contains(t, r.log, "tool: disk full", "standard error still reaches the container log")
}

func TestScriptCommandsRunWithShC(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	s, _ := backupSpec(t, drivers.Step{Name: "s", Commands: []string{
		"exit 0; echo unreachable",                                          // exit ends only this command's shell
		"X=1\necho \"multi $X\" > " + shell.Quote(out),                      // a multi-line command
		`[ -z "$X" ] && echo 'no leak' >> ` + shell.Quote(out),              // variables do not leak between commands
		`[ -z "$__dp_tmp" ] && echo 'no script var' >> ` + shell.Quote(out), // nor the script's
	}})
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.log)
	got, _ := os.ReadFile(out)
	assert.Equal(t, "multi 1\nno leak\nno script var\n", string(got))
}

// artifactsOf lists the files under dir as the Go side of the engine (the
// local driver) does: regular files, sizes, sha256, sorted by path.
func artifactsOf(t *testing.T, dir string) ([]drivers.Artifact, int64) {
	var arts []drivers.Artifact
	var total int64
	require.NoError(t, filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(data)
		arts = append(arts, drivers.Artifact{Path: filepath.ToSlash(rel), Size: int64(len(data)), Checksum: "sha256:" + hex.EncodeToString(sum[:])})
		total += int64(len(data))
		return nil
	}))
	sort.Slice(arts, func(i, j int) bool { return arts[i].Path < arts[j].Path })
	return arts, total
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
	require.Equal(t, 0, r.code, r.log)
	want, total := artifactsOf(t, dir)
	require.Len(t, want, 4)
	var st drivers.TaskStatus
	r.result.applyTo(&st)
	assert.Equal(t, want, st.Artifacts)
	assert.Equal(t, total, st.TotalSize)
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/3000028"}}`, string(st.Output), "the last non-empty line of standard output")
	assert.Contains(t, r.log, "progress", "standard output still reaches the container log")
}

// The aggregate checksum is one contract (drivers.AggregateChecksum) with
// two producers: the engine's Go and the script's awk, run here under sh on
// the same fixture files. Both give the same checksum, for one file, for
// several, and when the list does not fit the termination message.
func TestTheScriptsAggregateChecksumIsTheEngines(t *testing.T) {
	for name, files := range map[string]int{"one file": 1, "several files": 7, "a list that does not fit": 400} {
		t.Run(name, func(t *testing.T) {
			s, dir := backupSpec(t, drivers.Step{Name: "none", Commands: []string{"true"}})
			for i := range files {
				sub := filepath.Join(dir, fmt.Sprintf("d%d", i%3))
				require.NoError(t, os.MkdirAll(sub, 0o755))
				name := fmt.Sprintf("file with a long name é\t%04d.dat", i)
				require.NoError(t, os.WriteFile(filepath.Join(sub, name), []byte(strings.Repeat("x", i)), 0o644))
			}
			r := runJobScript(t, s)
			require.Equal(t, 0, r.code, r.log)
			arts, total := artifactsOf(t, dir)
			assert.Equal(t, drivers.AggregateChecksum(arts), "sha256:"+r.result.SHA256, "the awk aggregate is the Go one")
			var st drivers.TaskStatus
			r.result.applyTo(&st)
			assert.Equal(t, total, st.TotalSize)
			assert.Equal(t, drivers.AggregateChecksum(arts), drivers.AggregateChecksum(st.Artifacts),
				"what the engine records is the same, listed or summarized")
		})
	}
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
	s := &scriptSpec{steps: []drivers.Step{{Name: "r", Commands: []string{"pwd > " + shell.Quote(out)}}}, workDir: dir}
	r := runJobScript(t, s)
	require.Equal(t, 0, r.code, r.log)
	assert.NoDirExists(t, dir)
	assert.Nil(t, r.result.FileCount, "a restore lists no files")
}

// The programs are files of their own: they parse, and so does every
// script generated from them.
func TestScriptsParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("scripts", "*.sh"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		out, err := podexectest.RunOutput("sh", "-n", f)
		assert.NoError(t, err, "sh -n %s: %s", f, out)
	}
	for name, task := range goldenTasks() {
		out, err := podexectest.RunOutput("sh", "-n", "-c", jobScript(taskScript(task, jobPlan{namespace: "ns"})))
		assert.NoError(t, err, "sh -n of the %s script: %s", name, out)
	}
}

// goldenTasks are representative tasks whose generated scripts are pinned
// in testdata/scripts.
func goldenTasks() map[string]*drivers.Task {
	backup := backupTask("ns", "b1-main")
	backup.Steps[0].Env = []corev1.EnvVar{{Name: "LEVEL", Value: "full"}}
	restore := backupTask("ns", "r1-main")
	restore.Kind, restore.Steps = drivers.KindRestore, []drivers.Step{
		{Name: "full", Commands: []string{`pg_restore -d "$DB" "$BACKUP_DIR/full.dump"`}, Env: []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/full"}}},
		{Name: "incr", Commands: []string{`replay "$(BACKUP_DIR)"`}, Env: []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/ns/incr"}}}}
	del := backupTask("ns", "b1-delete")
	del.Kind, del.Steps = drivers.KindDeleteArtifacts, nil
	return map[string]*drivers.Task{"backup": backup, "restore": restore, "delete": del}
}

// TestGeneratedScriptsGolden pins what is generated in the scripts of
// representative tasks, the embedded programs named in their place (go
// test -run Golden -update rewrites testdata/scripts).
func TestGeneratedScriptsGolden(t *testing.T) {
	programs := strings.NewReplacer(shell.Quote(tailAWK), "<scripts/tail.awk>", shell.Quote(aggregateAWK), "<scripts/aggregate.awk>",
		shell.Quote(reportAWK), "<scripts/report.awk>", jobBody, "# <scripts/job.sh>\n")
	for name, task := range goldenTasks() {
		got := programs.Replace(jobScript(taskScript(task, jobPlan{namespace: "ns"}))) // what is generated, not the files
		golden := filepath.Join("testdata", "scripts", name+".sh")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test -run Golden -update to create it")
		assert.Equal(t, string(want), got, name)
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
