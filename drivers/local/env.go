package local

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/shell"
)

// reservedPrefix starts the names of the variables through which the
// driver hands its supervisor the commands; tasks cannot set them and
// commands never see them.
const reservedPrefix = "__DP_"

// resolvedTask is a task's environment and commands, ready to run.
type resolvedTask struct {
	// env is, for each step, the full environment of its commands: the
	// host's (Options.Environ), then the task's and the step's.
	env [][]envvar.Var
	// commands are each step's commands, $(VAR) references expanded.
	commands [][]string
	// redactor hides the secret values the environment holds.
	redactor *envvar.Redactor
}

// resolve builds the environment of every step of t with the shared
// resolution (envvar.Resolver: envFrom, then env in order, then the step's
// env, as the kubelet would for a container), secrets and config maps from
// Options.Secrets and Options.ConfigMaps in the owner's namespace, fieldRefs
// from the target (its name, the owner's namespace, its labels), and values
// that name paths under the storage's mount path mapped to the local claim
// directory (placement.localize). It expands $(VAR) in the commands, but
// for the variables that hold a secret's value (envvar.Env.ExpandCommand),
// which the commands' shell reads from the environment: a command's text
// is in the argv of `sh -c`, which /proc/<pid>/cmdline shows to everyone.
func (d *Driver) resolve(ctx context.Context, t *drivers.Task, pl placement) (*resolvedTask, error) {
	if err := checkNames(t); err != nil {
		return nil, err
	}
	r := &envvar.Resolver{Sources: sources{d: d, namespace: t.Owner.Namespace}, Localize: pl.localize,
		Fields: envvar.TargetFields(t.Target.Name, t.Owner.Namespace, t.Target.Node, t.Target.Labels)}
	base, err := r.Resolve(ctx, t.Env, t.EnvFrom)
	if err != nil {
		return nil, err
	}
	out := &resolvedTask{}
	for _, s := range t.Steps {
		env, err := r.Extend(ctx, base, s.Env)
		if err != nil {
			return nil, drivers.Errorf(drivers.ErrorCode(err), "step %s: %w", s.Name, err)
		}
		cmds := make([]string, len(s.Commands))
		for j, c := range s.Commands {
			if cmds[j], err = env.ExpandCommand(c); err != nil {
				return nil, drivers.Errorf(drivers.ErrorCode(err), "step %s: %w", s.Name, err)
			}
		}
		out.env = append(out.env, d.processEnv(env))
		out.commands = append(out.commands, cmds)
	}
	out.redactor = r.Redactor()
	return out, nil
}

// processEnv is the environment of a step's commands: the host's variables
// that the task does not set, then the task's. A shell hands it to them
// (see supervisor.sh), so only variables the shell can name are kept:
// checkNames refused the task's own others, and envFrom keys and host
// variables that a shell cannot name are left out.
func (d *Driver) processEnv(env *envvar.Env) []envvar.Var {
	var out []envvar.Var
	for _, kv := range d.opts.Environ {
		name, value, _ := strings.Cut(kv, "=")
		if _, mine := env.Lookup(name); !mine && shell.IsName(name) && !strings.HasPrefix(name, reservedPrefix) {
			out = append(out, envvar.Var{Name: name, Value: value})
		}
	}
	for _, v := range env.Vars() {
		if shell.IsName(v.Name) {
			out = append(out, v)
		}
	}
	return out
}

// checkNames refuses variables the supervisor cannot hand to commands: a
// name a shell cannot export (secret values reach commands only through
// the shell, never through an argv), or one with the reserved prefix.
func checkNames(t *drivers.Task) error {
	lists := [][]corev1.EnvVar{t.Env}
	for _, s := range t.Steps {
		lists = append(lists, s.Env)
	}
	for _, l := range lists {
		for _, v := range l {
			switch {
			case !shell.IsName(v.Name):
				return drivers.Errorf(drivers.InvalidArgument, "variable %q: the local driver sets only variables a shell can name", v.Name)
			case strings.HasPrefix(v.Name, reservedPrefix):
				return drivers.Errorf(drivers.InvalidArgument, "variable name %q: the prefix %s is reserved", v.Name, reservedPrefix)
			}
		}
	}
	return nil
}

// sources reads the secrets and config maps of a namespace from the
// driver's SecretSource and ConfigMapSource.
type sources struct {
	d         *Driver
	namespace string
}

// Secret implements envvar.Sources.
func (s sources) Secret(ctx context.Context, name string) (map[string][]byte, error) {
	if s.d.opts.Secrets == nil {
		return nil, drivers.Errorf(drivers.NotFound, "secret %q: the local driver has no SecretSource", name)
	}
	return s.d.opts.Secrets.Secret(ctx, s.namespace, name)
}

// ConfigMap implements envvar.Sources.
func (s sources) ConfigMap(ctx context.Context, name string) (map[string]string, error) {
	if s.d.opts.ConfigMaps == nil {
		return nil, drivers.Errorf(drivers.NotFound, "config map %q: the local driver has no ConfigMapSource", name)
	}
	return s.d.opts.ConfigMaps.ConfigMap(ctx, s.namespace, name)
}

// redactorOf resolves again the secret values a task's environment holds,
// to redact its output after a restart. Best effort: what cannot be
// resolved any more is not redacted.
func (d *Driver) redactorOf(ctx context.Context, t *drivers.Task) *envvar.Redactor {
	rt, err := d.resolve(ctx, t, d.place(t.Storage))
	if err != nil {
		d.log.Info("cannot resolve the task's secrets again to redact its output", "task", t.ID, "error", err.Error())
		return nil
	}
	return rt.redactor
}
