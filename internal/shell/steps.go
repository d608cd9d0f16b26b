package shell

import (
	"fmt"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// StepVar is the variable that carries the value of the variable name of
// step (1-based) to the step: a script's environment holds a task's
// variables under their names and each step's under these carriers, and
// the step's subshell exports each under its own name, so a step's
// variables are seen in that step only.
func StepVar(step int, name string) string {
	return fmt.Sprintf("__DP_S%d_%s", step, name)
}

// CheckStepNames returns an InvalidArgument error for a step variable
// whose name a shell cannot export.
func CheckStepNames(steps []drivers.Step) error {
	for i, s := range steps {
		for _, v := range s.Env {
			if !IsName(v.Name) {
				return drivers.Errorf(drivers.InvalidArgument, "step %d (%q): variable %q is not a shell variable name", i+1, s.Name, v.Name)
			}
		}
	}
	return nil
}

// StepsFunction returns the definition of the shell function __dp_steps,
// which runs steps in order, each in a subshell that exports its variables
// from their carriers (StepVar), and each command of a step in order with
// `sh -c`. The commands are not in the text: they are the function's
// positional parameters, every step's in order from $1, so a script calls
// it as `__dp_steps "$@"`. The first command that fails ends it: the
// function calls `__dp_fail STATUS DESCRIPTION`, which the script defines
// (and which exits). Only quoted words from steps (names) are in the text.
func StepsFunction(steps []drivers.Step) string {
	var b strings.Builder
	b.WriteString("__dp_steps() (\n")
	n := 0
	for i, st := range steps {
		fmt.Fprintf(&b, "\t# step %d\n\t(\n", i+1)
		for _, v := range st.Env {
			fmt.Fprintf(&b, "\t\texport %s=\"${%s}\"\n", v.Name, StepVar(i+1, v.Name))
		}
		for j := range st.Commands {
			n++
			what := fmt.Sprintf("step %d (%q) command %d", i+1, st.Name, j+1)
			fmt.Fprintf(&b, "\t\tsh -c \"${%d}\" || __dp_fail $? %s\n", n, Quote(what))
		}
		b.WriteString("\t) || exit $?\n")
	}
	b.WriteString(")\n")
	return b.String()
}

// Commands returns the commands of steps in the order StepsFunction takes
// them.
func Commands(steps []drivers.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Commands...)
	}
	return out
}
