package local

import (
	"context"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// reservedPrefix starts the names of the variables through which the
// driver hands its supervisor the commands and their environments; tasks
// cannot set them and commands never see them.
const reservedPrefix = "__DP_"

// envList is an environment in definition order; a later definition of a
// name replaces the earlier value in place.
type envList struct {
	names []string
	vals  map[string]string
}

func newEnvList() *envList { return &envList{vals: map[string]string{}} }

func (e *envList) set(name, value string) {
	if _, ok := e.vals[name]; !ok {
		e.names = append(e.names, name)
	}
	e.vals[name] = value
}

func (e *envList) lookup(name string) (string, bool) {
	v, ok := e.vals[name]
	return v, ok
}

func (e *envList) clone() *envList {
	c := &envList{names: append([]string(nil), e.names...), vals: make(map[string]string, len(e.vals))}
	for k, v := range e.vals {
		c.vals[k] = v
	}
	return c
}

// pairs returns base, then e's variables, as NAME=value strings; e's values
// replace base's.
func (e *envList) pairs(base []string) []string {
	out := make([]string, 0, len(base)+len(e.names))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if _, mine := e.vals[name]; !mine && checkEnvName(name) == nil {
			out = append(out, kv)
		}
	}
	for _, n := range e.names {
		out = append(out, n+"="+e.vals[n])
	}
	return out
}

// resolvedTask is a task's environment and commands, ready to run.
type resolvedTask struct {
	// env is, for each step, the full environment of its commands.
	env [][]string
	// commands are each step's commands, $(VAR) references expanded.
	commands [][]string
	// secrets are the secret values the environment holds, to redact.
	secrets []string
}

// envResolver resolves one task's environment.
type envResolver struct {
	d         *Driver
	ctx       context.Context
	namespace string
	place     placement
	secretsOf map[string]map[string][]byte
	redact    map[string]bool
}

// resolve builds the environment of every step of t, as the kubelet would
// for a container: envFrom sources first, then env in order (each value's
// $(VAR) references expanded against the variables before it), then the
// step's env; and it expands $(VAR) in the commands. Values that name paths
// under the storage's mount path are mapped to the local claim directory
// first (see placement.localize).
func (d *Driver) resolve(ctx context.Context, t *drivers.Task, pl placement) (*resolvedTask, error) {
	r := &envResolver{d: d, ctx: ctx, namespace: t.Owner.Namespace, place: pl,
		secretsOf: map[string]map[string][]byte{}, redact: map[string]bool{}}
	base := newEnvList()
	for i := range t.EnvFrom {
		if err := r.envFrom(base, &t.EnvFrom[i]); err != nil {
			return nil, err
		}
	}
	if err := r.apply(base, t.Env, "env"); err != nil {
		return nil, err
	}
	out := &resolvedTask{}
	for _, s := range t.Steps {
		env := base.clone()
		if err := r.apply(env, s.Env, "step "+s.Name+" env"); err != nil {
			return nil, err
		}
		cmds := make([]string, len(s.Commands))
		for j, c := range s.Commands {
			cmds[j] = envvar.Expand(c, env.lookup)
		}
		out.env = append(out.env, env.pairs(d.opts.Environ))
		out.commands = append(out.commands, cmds)
	}
	for v := range r.redact {
		out.secrets = append(out.secrets, v)
	}
	sort.Slice(out.secrets, func(i, j int) bool { return len(out.secrets[i]) > len(out.secrets[j]) })
	return out, nil
}

// apply adds vars to env in order.
func (r *envResolver) apply(env *envList, vars []corev1.EnvVar, where string) error {
	for _, v := range vars {
		if err := checkEnvName(v.Name); err != nil {
			return drivers.Errorf(drivers.InvalidArgument, "%s: %v", where, err)
		}
		if v.ValueFrom == nil {
			env.set(v.Name, envvar.Expand(r.place.localize(v.Value), env.lookup))
			continue
		}
		val, ok, err := r.valueFrom(v.ValueFrom)
		if err != nil {
			return drivers.Errorf(drivers.ErrorCode(err), "%s %s: %w", where, v.Name, err)
		}
		if ok {
			env.set(v.Name, val)
		}
	}
	return nil
}

// keep records a secret value, to redact it from what the task prints.
func (r *envResolver) keep(v string) {
	if v != "" {
		r.redact[v] = true
	}
}

func checkEnvName(name string) error {
	switch {
	case name == "":
		return drivers.Errorf(drivers.InvalidArgument, "a variable has no name")
	case strings.ContainsAny(name, "=\x00"), strings.HasPrefix(name, "-"):
		return drivers.Errorf(drivers.InvalidArgument, "invalid variable name %q", name)
	case strings.HasPrefix(name, reservedPrefix):
		return drivers.Errorf(drivers.InvalidArgument, "variable name %q: the prefix %s is reserved", name, reservedPrefix)
	}
	return nil
}

// valueFrom resolves a variable's source; ok is false for an optional
// reference to something missing.
func (r *envResolver) valueFrom(src *corev1.EnvVarSource) (string, bool, error) {
	switch {
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		data, err := r.secret(ref.Name)
		if err == nil {
			v, ok := data[ref.Key]
			if ok {
				r.keep(string(v))
				return string(v), true, nil
			}
			err = drivers.Errorf(drivers.NotFound, "secret %q has no key %q", ref.Name, ref.Key)
		}
		return missing(err, ref.Optional)
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		data, err := r.configMap(ref.Name)
		if err == nil {
			if v, ok := data[ref.Key]; ok {
				return v, true, nil
			}
			err = drivers.Errorf(drivers.NotFound, "config map %q has no key %q", ref.Name, ref.Key)
		}
		return missing(err, ref.Optional)
	}
	return "", false, drivers.Errorf(drivers.InvalidArgument, "only secretKeyRef and configMapKeyRef sources are supported by the local driver")
}

// missing turns a NotFound error into "skip" for optional references, and
// into FailedPrecondition otherwise.
func missing(err error, optional *bool) (string, bool, error) {
	if drivers.IsNotFound(err) {
		if optional != nil && *optional {
			return "", false, nil
		}
		return "", false, drivers.Errorf(drivers.FailedPrecondition, "%w", err)
	}
	return "", false, err
}

// envFrom adds the variables of one envFrom source.
func (r *envResolver) envFrom(env *envList, src *corev1.EnvFromSource) error {
	var data map[string]string
	var err error
	var optional *bool
	switch {
	case src.SecretRef != nil:
		optional = src.SecretRef.Optional
		var raw map[string][]byte
		if raw, err = r.secret(src.SecretRef.Name); err == nil {
			data = map[string]string{}
			for k, v := range raw {
				data[k] = string(v)
				r.keep(string(v))
			}
		}
	case src.ConfigMapRef != nil:
		optional = src.ConfigMapRef.Optional
		data, err = r.configMap(src.ConfigMapRef.Name)
	default:
		return drivers.Errorf(drivers.InvalidArgument, "envFrom: a source needs secretRef or configMapRef")
	}
	if err != nil {
		_, _, err = missing(err, optional)
		if err != nil {
			return drivers.Errorf(drivers.ErrorCode(err), "envFrom: %w", err)
		}
		return nil
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if checkEnvName(src.Prefix+k) == nil { // the kubelet skips invalid names too
			env.set(src.Prefix+k, data[k])
		}
	}
	return nil
}

func (r *envResolver) secret(name string) (map[string][]byte, error) {
	if data, ok := r.secretsOf[name]; ok {
		return data, nil
	}
	if r.d.opts.Secrets == nil {
		return nil, drivers.Errorf(drivers.NotFound, "secret %q: the local driver has no SecretSource", name)
	}
	data, err := r.d.opts.Secrets.Secret(r.ctx, r.namespace, name)
	if err != nil {
		return nil, err
	}
	r.secretsOf[name] = data
	return data, nil
}

func (r *envResolver) configMap(name string) (map[string]string, error) {
	if r.d.opts.ConfigMaps == nil {
		return nil, drivers.Errorf(drivers.NotFound, "config map %q: the local driver has no ConfigMapSource", name)
	}
	return r.d.opts.ConfigMaps.ConfigMap(r.ctx, r.namespace, name)
}

// secretValues resolves again the secret values a task's environment
// holds, to redact its output after a restart. Best effort: what cannot be
// resolved any more is not redacted.
func (d *Driver) secretValues(ctx context.Context, t *drivers.Task) []string {
	pl := d.place(t.Storage)
	rt, err := d.resolve(ctx, t, pl)
	if err != nil {
		d.log.Info("cannot resolve the task's secrets again to redact its output", "task", t.ID, "error", err.Error())
		return nil
	}
	return rt.secrets
}
