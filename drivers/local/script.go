package local

import (
	"fmt"
	"strings"
)

// The supervisor is a POSIX shell script that the driver starts as the
// leader of a new session. It runs the task's commands and records the
// outcome on disk, so the outcome survives the host process: a new Driver
// reads it from the task's state directory. The script holds no values:
// the commands and their environments reach it in variables named
// __DP_C_<step>_<command> and __DP_E_<step>_<n>, and each command runs with
// `env -i` and exactly its own environment, so it never sees them.
const scriptHeader = `# Supervisor of a local driver task: runs every command of every step in
# order with "sh -c", stops at the first that fails, and records the outcome
# in exit.json. It holds no values; see package local.
s=$__DP_STATE
echo $$ >"$s/pid.tmp" && mv -f "$s/pid.tmp" "$s/pid"
fin() {
	printf '{"exitCode":%d,"step":%d,"command":%d}\n' "$1" "$2" "$3" >"$s/exit.tmp" && mv -f "$s/exit.tmp" "$s/exit.json"
	exit "$1"
}
`

// script returns the supervisor of a task with the given environments
// (one per step, by size) and commands.
func script(rt *resolvedTask) string {
	var b strings.Builder
	b.WriteString(scriptHeader)
	for i, env := range rt.env {
		fmt.Fprintf(&b, "step%d() {\n\tenv -i", i)
		for n := range env {
			fmt.Fprintf(&b, ` "$__DP_E_%d_%d"`, i, n)
		}
		b.WriteString(" \"$__DP_SH\" -c \"$1\"\n}\n")
	}
	for i, cmds := range rt.commands {
		for j := range cmds {
			fmt.Fprintf(&b, `[ ! -e "$s/cancel.json" ] || exit 143
: >"$s/rc"
{ step%[1]d "$__DP_C_%[1]d_%[2]d" 2>>"$s/output.log"; echo $? >"$s/rc"; } | tee -a "$s/stdout.log" >>"$s/output.log"
read rc 2>/dev/null <"$s/rc" || rc=125
[ "$rc" = 0 ] || fin "$rc" %[1]d %[2]d
`, i, j)
		}
	}
	b.WriteString("fin 0 -1 -1\n")
	return b.String()
}

// supervisorEnv is the supervisor's own environment: the host's, plus the
// variables that carry the state directory, the shell, the commands and
// their environments.
func supervisorEnv(host []string, stateDir, shell string, rt *resolvedTask) []string {
	env := make([]string, 0, len(host)+8)
	for _, kv := range host {
		if !strings.HasPrefix(kv, reservedPrefix) {
			env = append(env, kv)
		}
	}
	env = append(env, reservedPrefix+"STATE="+stateDir, reservedPrefix+"SH="+shell)
	for i, vars := range rt.env {
		for n, kv := range vars {
			env = append(env, fmt.Sprintf("%sE_%d_%d=%s", reservedPrefix, i, n, kv))
		}
	}
	for i, cmds := range rt.commands {
		for j, c := range cmds {
			env = append(env, fmt.Sprintf("%sC_%d_%d=%s", reservedPrefix, i, j, c))
		}
	}
	return env
}
