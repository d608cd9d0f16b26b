package job

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
)

// A task's steps become one POSIX shell script, generated deterministically
// from the task: every step runs in order in a subshell that exports the
// step's env; every command of a step runs with `sh -c`, in order; the first
// command that fails ends the task with its exit status (set -e semantics,
// made explicit so that it holds inside subshells too). A Job runs the
// script as `sh -c <script>` and the script ends by writing the task's
// result to the termination message; pod exec runs a variant that reads the
// task's environment from standard input first.

// scriptSpec is what a task's script does.
type scriptSpec struct {
	// steps run in order.
	steps []drivers.Step
	// workDir, when set, is the working directory of the steps.
	workDir string
	// createWorkDir creates workDir first (a backup's own directory); else
	// a missing workDir is not an error.
	createWorkDir bool
	// listDir, when set, is the directory whose files are reported as the
	// task's artifacts when the steps succeed.
	listDir string
	// messagePath is where the JSON result goes (Job scripts only).
	messagePath string
}

var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// quote returns s as one single-quoted shell word.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// stepRefName is the variable that carries the value of a step's variable
// name. A step's variables are not written into the script: the container
// (or, for pod exec, the resolved environment) gets them under these names,
// after the task's, so that the kubelet resolves their sources and expands
// their $(VAR) references as for any container variable, and the step's
// subshell exports each under its own name.
func stepRefName(step int, name string) string {
	return fmt.Sprintf("__DP_S%d_%s", step, name)
}

// checkStepEnv returns an error for a step variable that is not a shell
// name: the script exports each under its own name.
func checkStepEnv(steps []drivers.Step) error {
	for i, s := range steps {
		for _, v := range s.Env {
			if !shellName.MatchString(v.Name) {
				return fmt.Errorf("step %d (%q): variable %q is not a shell variable name", i+1, s.Name, v.Name)
			}
		}
	}
	return nil
}

// stepEnv returns the container variables that carry the steps' variables
// (see stepRefName). A $(VAR) reference to a variable of the same step
// defined before it is rewritten to that variable's carrier, so it
// resolves to the step's value rather than to the task's.
func stepEnv(steps []drivers.Step) []corev1.EnvVar {
	var out []corev1.EnvVar
	for i, s := range steps {
		local := map[string]string{}
		for _, v := range s.Env {
			ref := stepRefName(i+1, v.Name)
			c := corev1.EnvVar{Name: ref, Value: rewriteRefs(v.Value, local)}
			if v.ValueFrom != nil {
				c = corev1.EnvVar{Name: ref, ValueFrom: v.ValueFrom.DeepCopy()}
			}
			out = append(out, c)
			local[v.Name] = ref
		}
	}
	return out
}

// rewriteRefs renames the $(NAME) references of s whose NAME is a key of
// names, following the grammar of drivers.Expand ("$$" stays an escaped
// "$"); everything else is kept as written.
func rewriteRefs(s string, names map[string]string) string {
	if !strings.Contains(s, "$(") || len(names) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '$' || i+1 >= len(s):
			b.WriteByte(s[i])
		case s[i+1] == '$':
			b.WriteString("$$")
			i++
		case s[i+1] == '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if to, ok := names[name]; ok {
				name = to
			}
			b.WriteString("$(" + name + ")")
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// writeSteps writes the function __dp_steps, which runs the steps in a
// subshell and returns the status of the first command that failed.
func writeSteps(b *strings.Builder, s *scriptSpec) {
	b.WriteString("__dp_steps() (\n")
	if s.workDir != "" {
		d := quote(s.workDir)
		if s.createWorkDir {
			fmt.Fprintf(b, "\tmkdir -p %s && cd %s || __dp_fail $? %s\n", d, d, quote("creating the directory "+s.workDir))
		} else {
			fmt.Fprintf(b, "\tcd %s 2>/dev/null || :\n", d)
		}
	}
	for i, st := range s.steps {
		fmt.Fprintf(b, "\t# step %d: %s\n\t(\n", i+1, oneLine(st.Name))
		for _, v := range st.Env {
			fmt.Fprintf(b, "\t\texport %s=\"${%s}\"\n", v.Name, stepRefName(i+1, v.Name))
		}
		for j, c := range st.Commands {
			what := fmt.Sprintf("step %d (%q) command %d", i+1, st.Name, j+1)
			fmt.Fprintf(b, "\t\tsh -c %s || __dp_fail $? %s\n", quote(c), quote(what))
		}
		b.WriteString("\t) || exit $?\n")
	}
	b.WriteString(")\n")
}

// oneLine makes s safe for a shell comment.
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// jobScript is the script a Job's container runs with `sh -c`.
func jobScript(s *scriptSpec) string {
	var b strings.Builder
	b.WriteString("# Generated by the dataprotection Job driver.\n")
	fmt.Fprintf(&b, "__dp_msg=%s\n", quote(s.messagePath))
	b.WriteString(jobPrologue)
	writeSteps(&b, s)
	b.WriteString(jobRun)
	if s.listDir != "" {
		fmt.Fprintf(&b, "if [ \"$__dp_rc\" = 0 ]; then __dp_list %s; fi\n", quote(s.listDir))
	}
	b.WriteString(jobEpilogue)
	return b.String()
}

// jobPrologue defines the helpers of a Job's script: a private temporary
// directory, __dp_fail (records which command failed and exits with its
// status), __dp_tail (copies its input through, keeping the last lines in a
// file), __dp_list (lists a directory's files with size and sha256) and
// __dp_report (prints the JSON result).
const jobPrologue = `__dp_tmp=$(mktemp -d 2>/dev/null) || { __dp_tmp="${TMPDIR:-/tmp}/dataprotection.$$"; mkdir -p "$__dp_tmp"; }
__dp_fail() {
	printf '%s\n' "$2" > "$__dp_tmp/failed"
	printf 'dataprotection: %s failed with exit status %s\n' "$2" "$1" >&2
	exit "$1"
}
__dp_tail() {
	if command -v awk >/dev/null 2>&1; then
		LC_ALL=C awk -v out="$1" '{ print; fflush(); l[NR % 20] = $0 } END { s = NR - 19; if (s < 1) s = 1; for (i = s; i <= NR; i++) print l[i % 20] > out }'
	else
		cat
	fi
}
__dp_list() (
	cd "$1" 2>/dev/null || exit 0
	command -v sha256sum >/dev/null 2>&1 || exit 0
	find . -type f | LC_ALL=C sort > "$__dp_tmp/files" || exit 0
	while IFS= read -r __dp_f; do
		case $__dp_f in ./*) ;; *) continue ;; esac
		[ -f "$__dp_f" ] || continue
		__dp_size=$(wc -c < "$__dp_f" | tr -d ' ') || continue
		__dp_sum=$(sha256sum < "$__dp_f") || continue
		printf '%s\t%s\t%s\n' "$__dp_size" "${__dp_sum%% *}" "${__dp_f#./}"
	done < "$__dp_tmp/files" > "$__dp_tmp/records"
	__dp_agg=$(LC_ALL=C awk '{ p = $0; sub(/^[^\t]*\t[^\t]*\t/, "", p); split($0, f, "\t"); print "sha256:" f[2] "  " p }' "$__dp_tmp/records" | sha256sum) || exit 0
	printf '%s\n' "${__dp_agg%% *}" > "$__dp_tmp/aggregate"
)
__dp_report() {
	command -v awk >/dev/null 2>&1 || { printf '{"v":1,"exitCode":%s}\n' "$1"; return; }
	LC_ALL=C awk -v rc="$1" -v dir="$__dp_tmp" '` + reportAWK + `'
}
`

// jobRun runs the steps with their standard output and standard error each
// copied through __dp_tail (the output is kept live in the container log),
// and sets __dp_rc to their exit status.
const jobRun = `{ { __dp_steps </dev/null; echo $? > "$__dp_tmp/rc"; } 2>&1 1>&3 3>&- | __dp_tail "$__dp_tmp/stderr" >&2; } 3>&1 | __dp_tail "$__dp_tmp/stdout"
__dp_rc=$(cat "$__dp_tmp/rc" 2>/dev/null) || __dp_rc=
[ -n "$__dp_rc" ] || __dp_rc=1
`

// jobEpilogue writes the result and exits with the steps' status.
const jobEpilogue = `__dp_report "$__dp_rc" > "$__dp_msg" 2>/dev/null || :
rm -rf "$__dp_tmp"
exit "$__dp_rc"
`

// reportAWK prints the JSON result (see result.go), at most 4000 bytes so
// that it fits the 4096 bytes of a termination message: the exit status,
// what failed, the count, total size and combined sha256 of the listed
// files, the last non-empty line of standard output when it looks like a
// JSON object, the end of the log when the steps failed, and the list of
// files when all of that fits. It contains no single quote.
const reportAWK = `
function slurp(f,    s, line, n) {
	s = ""; n = 0
	while ((getline line < f) > 0) { if (n++) s = s "\n"; s = s line }
	close(f)
	return s
}
function esc(s,    out, i, c, k) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") out = out "\\\\"
		else if (c == "\"") out = out "\\\""
		else if ((k = index(CTRL, c)) > 0) out = out sprintf("\\u%04x", k)
		else out = out c
	}
	return out
}
function tailOf(s, max,    e) {
	if (length(s) > max) s = substr(s, length(s) - max + 1)
	while (length(e = esc(s)) > max) s = substr(s, int(length(s) / 2) + 1)
	return e
}
function add(piece) {
	if (length(msg) + length(piece) > 3990) return 0
	msg = msg piece
	return 1
}
BEGIN {
	for (i = 1; i < 32; i++) CTRL = CTRL sprintf("%c", i)
	msg = "{\"v\":1,\"exitCode\":" (rc + 0)
	failed = slurp(dir "/failed")
	if (failed != "") msg = msg ",\"failed\":\"" tailOf(failed, 400) "\""
	n = 0; total = 0; arts = ""; long = 0
	while ((getline line < (dir "/records")) > 0) {
		i1 = index(line, "\t"); size = substr(line, 1, i1 - 1); rest = substr(line, i1 + 1)
		i2 = index(rest, "\t"); hex = substr(rest, 1, i2 - 1); p = substr(rest, i2 + 1)
		if (i1 == 0 || i2 == 0 || size !~ /^[0-9]+$/) continue
		n++; total += size
		if (long || length(arts) > 4000) { long = 1; continue }
		if (n > 1) arts = arts ","
		arts = arts "{\"path\":\"" esc(p) "\",\"size\":" size ",\"sha256\":\"" hex "\"}"
	}
	agg = slurp(dir "/aggregate")
	if (agg != "") msg = msg ",\"fileCount\":" n ",\"totalSize\":" sprintf("%.0f", total) ",\"sha256\":\"" agg "\""
	out = ""
	while ((getline line < (dir "/stdout")) > 0) if (line ~ /[^ \t\r]/) out = line
	if (out ~ /^[ \t\r]*[{]/ && out ~ /[}][ \t\r]*$/) {
		if (length(out) > 2048 || !add(",\"output\":\"" esc(out) "\"")) msg = msg ",\"outputOmitted\":" length(out)
	}
	if (rc + 0 != 0) {
		t = slurp(dir "/stderr")
		if (t == "") t = slurp(dir "/stdout")
		if (t != "") add(",\"logTail\":\"" tailOf(t, 1000) "\"")
	}
	if (agg != "" && !long) add(",\"artifacts\":[" arts "]")
	print msg "}"
}
`

// execScript is the script pod exec runs as `sh -c <script> sh <end>`: it
// reads shell assignments (the task's environment, see envBlock) from
// standard input up to the line <end>, evaluates them, and runs the steps.
// Their standard output and standard error are the command's.
func execScript(s *scriptSpec) string {
	var b strings.Builder
	b.WriteString(execPrologue)
	writeSteps(&b, s)
	b.WriteString("__dp_steps </dev/null\n")
	return b.String()
}

const execPrologue = `__dp_env=
while IFS= read -r __dp_line; do
	[ "$__dp_line" = "$1" ] && break
	__dp_env="$__dp_env$__dp_line
"
done
eval "$__dp_env"
unset __dp_env __dp_line
__dp_fail() {
	printf 'dataprotection: %s failed with exit status %s\n' "$2" "$1" >&2
	exit "$1"
}
`
