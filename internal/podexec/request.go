package podexec

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/kubeenv"
	"github.com/dpsdk/dataprotection/internal/shell"
)

// maxOutput bounds the standard output of a hook or status update (a
// status update's JSON).
const maxOutput = DefaultMaxStdout

// prologue starts the script of every exec (see exec.sh).
//
//go:embed exec.sh
var prologue string

// script is what an exec runs as `sh -c <script> sh <end>`: the prologue,
// the steps function, and its call. It holds no value.
func script(steps []drivers.Step) string {
	return prologue + shell.StepsFunction(steps) + "__dp_steps \"$@\" </dev/null\n"
}

// request builds the exec of task t in its target's container, with the
// shared resolution of its environment (secrets and config maps of the
// target's namespace, the target's pod fields): the script and a random
// end line in the command, which travels in the request's URL; the
// variables (the task's, then each step's under its carrier) and the
// commands, $(VAR) references expanded with their step's environment
// (but those to secrets, which the shell reads from the environment:
// envvar.Env.ExpandCommand), on standard input. It returns the redactor of the secret values resolved.
func (r *Runner) request(ctx context.Context, t *drivers.Task) (*Request, *envvar.Redactor, error) {
	if err := checkNames(t); err != nil {
		return nil, nil, err
	}
	ns := targetNamespace(t)
	res := &envvar.Resolver{Sources: kubeenv.Sources(r.client, ns),
		Fields: envvar.TargetFields(t.Target.Name, ns, t.Target.Node, t.Target.Labels)}
	base, err := res.Resolve(ctx, t.Env, t.EnvFrom)
	if err != nil {
		return nil, nil, err
	}
	var vars []envvar.Var
	for _, v := range base.Vars() {
		if shell.IsName(v.Name) { // envFrom keys a shell cannot name are left out
			vars = append(vars, v)
		}
	}
	var commands []string
	for i, s := range t.Steps {
		env, err := res.Extend(ctx, base, s.Env)
		if err != nil {
			return nil, nil, drivers.Errorf(drivers.ErrorCode(err), "step %s: %w", s.Name, err)
		}
		for _, v := range s.Env {
			if value, ok := env.Lookup(v.Name); ok {
				vars = append(vars, envvar.Var{Name: shell.StepVar(i+1, v.Name), Value: value})
			}
		}
		for _, c := range s.Commands {
			expanded, err := env.ExpandCommand(c) // secrets through the environment, never argv
			if err != nil {
				return nil, nil, drivers.Errorf(drivers.ErrorCode(err), "step %s: %w", s.Name, err)
			}
			commands = append(commands, expanded)
		}
	}
	end := randomEnd()
	return &Request{Namespace: ns, Pod: t.Target.Name, Container: containerOf(t),
		Command: []string{"sh", "-c", script(t.Steps), "sh", end}, Stdin: stdin(vars, commands, end),
		MaxStdout: maxOutput}, res.Redactor(), nil
}

// stdin is what an exec reads: export lines, `set --` and the commands,
// then the end line.
func stdin(vars []envvar.Var, commands []string, end string) []byte {
	var b strings.Builder
	b.Write(shell.Exports(vars))
	b.WriteString("set --")
	for _, c := range commands {
		b.WriteString(" " + shell.Quote(c))
	}
	b.WriteString("\n" + end + "\n")
	return []byte(b.String())
}

// checkNames refuses a variable of the task that a shell cannot export.
func checkNames(t *drivers.Task) error {
	for _, v := range t.Env {
		if !shell.IsName(v.Name) {
			return drivers.Errorf(drivers.InvalidArgument, "task %s: variable %q is not a shell variable name", t.ID, v.Name)
		}
	}
	return shell.CheckStepNames(t.Steps)
}

// randomEnd is the line that ends standard input's shell code; being
// random, no value can contain it.
func randomEnd() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "__DP_END_" + hex.EncodeToString(b[:])
}

// targetNamespace is the namespace of the target pod: its own, else the
// task owner's.
func targetNamespace(t *drivers.Task) string {
	if t.Target.Namespace != "" {
		return t.Target.Namespace
	}
	return t.Owner.Namespace
}

// containerOf is the container the task runs in: Task.Container, else the
// target's first.
func containerOf(t *drivers.Task) string {
	if t.Container == "" && len(t.Target.Containers) > 0 {
		return t.Target.Containers[0]
	}
	return t.Container
}
