package local

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dpsdk/dataprotection/internal/shell"
)

// supervisorScript is the supervisor: a POSIX shell script that the driver
// starts as the leader of a new session. It runs the task's commands and
// records the outcome on disk, so the outcome survives the host process: a
// new Driver reads it from the task's state directory. It is the same for
// every task: what it runs is in its environment and in the state
// directory (see supervisor.sh).
//
//go:embed supervisor.sh
var supervisorScript []byte

// envFile is the file of the state directory that holds step i's
// environment, removed when the task ends.
func envFile(i int) string { return "env." + strconv.Itoa(i) }

// writeEnvFiles writes each step's environment, as export lines, to a file
// of dir that only the driver's user can read: the one way secret values
// reach the commands besides their own environment.
func writeEnvFiles(dir string, rt *resolvedTask) error {
	for i, vars := range rt.env {
		if err := os.WriteFile(filepath.Join(dir, envFile(i)), shell.Exports(vars), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// removeEnvFiles removes the environment files of a task that ended.
func removeEnvFiles(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "env.*"))
	for _, f := range files {
		_ = os.Remove(f)
	}
}

// supervisorEnv is the supervisor's own environment: the host's, plus the
// variables that carry the state directory, the shell, the number of steps
// and commands, and the commands.
func supervisorEnv(host []string, stateDir, sh string, rt *resolvedTask) []string {
	env := append(hostEnv(host), reservedPrefix+"STATE="+stateDir, reservedPrefix+"SH="+sh,
		fmt.Sprintf("%sSTEPS=%d", reservedPrefix, len(rt.commands)))
	for i, cmds := range rt.commands {
		env = append(env, fmt.Sprintf("%sN_%d=%d", reservedPrefix, i, len(cmds)))
		for j, c := range cmds {
			env = append(env, fmt.Sprintf("%sC_%d_%d=%s", reservedPrefix, i, j, c))
		}
	}
	return env
}
