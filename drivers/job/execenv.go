package job

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// envVar is one resolved variable of a pod exec.
type envVar struct{ name, value string }

// resolveEnv resolves a pod exec task's environment as the kubelet would
// for a container: the envFrom sources first, then Env in order (which wins
// over them), with $(VAR) references expanded against the variables before;
// values from secrets and config maps are read from the target's namespace.
// The variables of the steps are resolved after the task's, under their
// stepRefName; their references see the step's earlier variables first. A missing source that is not optional is a
// FailedPrecondition error; a variable the shell cannot name is skipped
// when it comes from envFrom and an InvalidArgument error otherwise.
func (d *Driver) resolveEnv(ctx context.Context, t *drivers.Task) ([]envVar, error) {
	r := &envResolver{d: d, t: t, ns: t.Target.Namespace, values: map[string]string{}}
	if r.ns == "" {
		r.ns = t.Owner.Namespace
	}
	for i := range t.EnvFrom {
		if err := r.addFrom(ctx, &t.EnvFrom[i]); err != nil {
			return nil, err
		}
	}
	for _, v := range t.Env {
		if err := r.add(ctx, v.Name, v); err != nil {
			return nil, err
		}
	}
	for i, s := range t.Steps {
		r.local = map[string]string{}
		for _, v := range s.Env {
			if err := r.add(ctx, stepRefName(i+1, v.Name), v); err != nil {
				return nil, err
			}
			if value, ok := r.values[stepRefName(i+1, v.Name)]; ok {
				r.local[v.Name] = value
			}
		}
	}
	return r.vars, nil
}

type envResolver struct {
	d      *Driver
	t      *drivers.Task
	ns     string
	vars   []envVar
	values map[string]string
	// local are the values of the variables of the current step so far,
	// which its later variables' references see before the task's.
	local map[string]string
}

func (r *envResolver) set(name, value string) {
	for i := range r.vars {
		if r.vars[i].name == name {
			r.vars = append(r.vars[:i], r.vars[i+1:]...)
			break
		}
	}
	r.vars = append(r.vars, envVar{name, value})
	r.values[name] = value
}

// add resolves variable v under name.
func (r *envResolver) add(ctx context.Context, name string, v corev1.EnvVar) error {
	if !shellName.MatchString(name) {
		return invalid(r.t.ID, "variable %q is not a shell variable name", name)
	}
	if v.ValueFrom == nil {
		r.set(name, envvar.Expand(v.Value, r.lookup))
		return nil
	}
	value, found, err := r.source(ctx, v.ValueFrom)
	if err != nil {
		return err
	}
	if found {
		r.set(name, value)
	}
	return nil
}

// lookup finds the value of a $(VAR) reference: a variable of the current
// step, else of the task.
func (r *envResolver) lookup(name string) (string, bool) {
	if v, ok := r.local[name]; ok {
		return v, true
	}
	v, ok := r.values[name]
	return v, ok
}

// source reads the value of a valueFrom; found is false for a missing
// optional key.
func (r *envResolver) source(ctx context.Context, src *corev1.EnvVarSource) (value string, found bool, err error) {
	switch {
	case src.SecretKeyRef != nil:
		s := src.SecretKeyRef
		data, err := r.secret(ctx, s.Name, ptrTrue(s.Optional))
		v, ok := data[s.Key]
		return r.keyOf(err, "secret", s.Name, s.Key, string(v), ok, ptrTrue(s.Optional))
	case src.ConfigMapKeyRef != nil:
		c := src.ConfigMapKeyRef
		data, err := r.configMap(ctx, c.Name, ptrTrue(c.Optional))
		v, ok := data[c.Key]
		return r.keyOf(err, "config map", c.Name, c.Key, v, ok, ptrTrue(c.Optional))
	case src.FieldRef != nil:
		return r.field(src.FieldRef.FieldPath)
	}
	return "", false, invalid(r.t.ID, "pod exec supports env from secrets, config maps and pod fields, not resource fields")
}

func (r *envResolver) keyOf(err error, kind, name, key, value string, ok, optional bool) (string, bool, error) {
	switch {
	case err != nil:
		return "", false, err
	case !ok && !optional:
		return "", false, drivers.Errorf(drivers.FailedPrecondition, "job driver: task %q: %s %s/%s has no key %q",
			r.t.ID, kind, r.ns, name, key)
	}
	return value, ok, nil
}

// field resolves the pod fields that the target describes.
func (r *envResolver) field(path string) (string, bool, error) {
	switch path {
	case "metadata.name":
		return r.t.Target.Name, true, nil
	case "metadata.namespace":
		return r.ns, true, nil
	case "spec.nodeName":
		return r.t.Target.Node, true, nil
	}
	return "", false, invalid(r.t.ID, "pod exec cannot resolve the field %q", path)
}

// addFrom adds the keys of a secret or config map, with the prefix.
func (r *envResolver) addFrom(ctx context.Context, src *corev1.EnvFromSource) error {
	var data map[string]string
	switch {
	case src.SecretRef != nil:
		raw, err := r.secret(ctx, src.SecretRef.Name, ptrTrue(src.SecretRef.Optional))
		if err != nil {
			return err
		}
		data = map[string]string{}
		for k, v := range raw {
			data[k] = string(v)
		}
	case src.ConfigMapRef != nil:
		var err error
		if data, err = r.configMap(ctx, src.ConfigMapRef.Name, ptrTrue(src.ConfigMapRef.Optional)); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if name := src.Prefix + k; shellName.MatchString(name) {
			r.set(name, data[k])
		}
	}
	return nil
}

func (r *envResolver) secret(ctx context.Context, name string, optional bool) (map[string][]byte, error) {
	s, err := r.d.client.CoreV1().Secrets(r.ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, r.missing(err, "secret", name, optional)
	}
	return s.Data, nil
}

func (r *envResolver) configMap(ctx context.Context, name string, optional bool) (map[string]string, error) {
	c, err := r.d.client.CoreV1().ConfigMaps(r.ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, r.missing(err, "config map", name, optional)
	}
	return c.Data, nil
}

// missing classifies the error of reading a source: nil for a missing
// optional one, FailedPrecondition for a missing required one.
func (r *envResolver) missing(err error, kind, name string, optional bool) error {
	switch {
	case apierrors.IsNotFound(err) && optional:
		return nil
	case apierrors.IsNotFound(err):
		return drivers.Errorf(drivers.FailedPrecondition, "job driver: task %q: %s %s/%s does not exist", r.t.ID, kind, r.ns, name)
	}
	return apiError(err, "task %q: get %s %s/%s", r.t.ID, kind, r.ns, name)
}

// envBlock is the environment as shell assignments, one variable per
// `export` (values single-quoted, so they may span lines), then the end
// line.
func envBlock(vars []envVar, end string) []byte {
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v.name, quote(v.value))
	}
	b.WriteString(end + "\n")
	return []byte(b.String())
}

func ptrTrue(b *bool) bool { return b != nil && *b }
