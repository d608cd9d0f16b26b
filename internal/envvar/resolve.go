package envvar

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
)

// Sources gives a Resolver the secrets and config maps that variables
// reference, in the namespace of the container being resolved. Each
// method returns an error for which drivers.IsNotFound is true when the
// object does not exist; other errors keep their codes.
type Sources interface {
	// Secret returns the data of the secret name.
	Secret(ctx context.Context, name string) (map[string][]byte, error)
	// ConfigMap returns the data of the config map name.
	ConfigMap(ctx context.Context, name string) (map[string]string, error)
}

// Resolver resolves a container's environment as the kubelet does, for the
// runners that set variables themselves (local processes, pod exec, the
// test kubelet):
//
//   - envFrom first, source by source (a later source wins): every key of
//     the secret or config map, with the source's prefix; keys that are not
//     valid variable names (validation.IsEnvVarName) are skipped, as the
//     kubelet skips them;
//   - then env in order, which wins over envFrom: a value's $(VAR)
//     references are expanded against the variables defined before it
//     ("$$" is a "$"; an unknown reference stays as written); a
//     secretKeyRef, configMapKeyRef or fieldRef is read;
//   - a missing secret, config map or key is a FailedPrecondition error,
//     unless the reference is optional (the variable, or the source's keys,
//     are then left out); a fieldRef the runner cannot answer and a
//     resourceFieldRef are InvalidArgument errors.
//
// It remembers the values it took from secrets, which its Redactor hides.
// A Resolver caches what it reads: use one per task.
type Resolver struct {
	// Sources reads secrets and config maps; nil: every reference to one
	// is missing.
	Sources Sources
	// Fields answers fieldRefs (see PodFields); nil: none.
	Fields Fields
	// Localize, when set, rewrites each literal value (never a value read
	// from a source) before its references are expanded: the local driver
	// maps paths under a claim's mount path to the claim's directory.
	Localize func(string) string

	secrets    map[string]map[string][]byte
	configMaps map[string]map[string]string
	// secretValues are the values taken from secrets.
	secretValues []string
}

// Redactor hides every value the Resolver took from a secret, in every
// environment it resolved.
func (r *Resolver) Redactor() *Redactor { return NewRedactor(r.secretValues...) }

// set defines name in e; secret marks its value as a secret's.
func (r *Resolver) set(e *Env, name, value string, secret bool) {
	if !secret {
		e.set(name, value)
		return
	}
	e.setSecret(name, value)
	r.secretValues = append(r.secretValues, value)
}

// Resolve resolves env and envFrom.
func (r *Resolver) Resolve(ctx context.Context, env []corev1.EnvVar, envFrom []corev1.EnvFromSource) (*Env, error) {
	e := newEnv()
	for i := range envFrom {
		if err := r.addFrom(ctx, e, &envFrom[i]); err != nil {
			return nil, err
		}
	}
	return e, r.add(ctx, e, env)
}

// Extend returns base with the variables vars added after it, as more env
// entries of the same container would be (a step's variables, say); base
// is not changed.
func (r *Resolver) Extend(ctx context.Context, base *Env, vars []corev1.EnvVar) (*Env, error) {
	e := base.clone()
	return e, r.add(ctx, e, vars)
}

// add defines vars in order.
func (r *Resolver) add(ctx context.Context, e *Env, vars []corev1.EnvVar) error {
	for _, v := range vars {
		if v.ValueFrom == nil {
			value := v.Value
			if r.Localize != nil {
				value = r.Localize(value)
			}
			e.setExpanded(v.Name, value)
			continue
		}
		value, found, secret, err := r.valueFrom(ctx, v.ValueFrom)
		if err != nil {
			return drivers.Errorf(drivers.ErrorCode(err), "variable %s: %w", v.Name, err)
		}
		if found {
			r.set(e, v.Name, value, secret)
		}
	}
	return nil
}

// valueFrom reads a variable's source; found is false for an optional
// reference to something missing, secret true for a secret's value.
func (r *Resolver) valueFrom(ctx context.Context, src *corev1.EnvVarSource) (value string, found, secret bool, err error) {
	switch {
	case src.SecretKeyRef != nil:
		ref := src.SecretKeyRef
		data, err := r.secret(ctx, ref.Name)
		v, ok := data[ref.Key]
		value, found, err = key(err, "secret", ref.Name, ref.Key, string(v), ok, ref.Optional)
		return value, found, true, err
	case src.ConfigMapKeyRef != nil:
		ref := src.ConfigMapKeyRef
		data, err := r.configMap(ctx, ref.Name)
		v, ok := data[ref.Key]
		value, found, err = key(err, "config map", ref.Name, ref.Key, v, ok, ref.Optional)
		return value, found, false, err
	case src.FieldRef != nil:
		if r.Fields != nil {
			if v, ok := r.Fields(src.FieldRef.FieldPath); ok {
				return v, true, false, nil
			}
		}
		return "", false, false, drivers.Errorf(drivers.InvalidArgument, "the field %q cannot be resolved here", src.FieldRef.FieldPath)
	}
	return "", false, false, drivers.Errorf(drivers.InvalidArgument, "only secretKeyRef, configMapKeyRef and fieldRef sources can be resolved here")
}

// key is the value of key in a source read with err: a missing source or
// key is skipped when optional and a FailedPrecondition error otherwise.
func key(err error, kind, name, key, value string, ok bool, optional *bool) (string, bool, error) {
	switch {
	case err != nil:
		return "", false, missing(err, kind, name, optional)
	case !ok && !isTrue(optional):
		return "", false, drivers.Errorf(drivers.FailedPrecondition, "%s %s has no key %q", kind, name, key)
	}
	return value, ok, nil
}

// missing turns the error of reading a source into nil for an optional
// source that does not exist, FailedPrecondition for a required one.
func missing(err error, kind, name string, optional *bool) error {
	switch {
	case !drivers.IsNotFound(err):
		return fmt.Errorf("%s %s: %w", kind, name, err)
	case isTrue(optional):
		return nil
	}
	return drivers.Errorf(drivers.FailedPrecondition, "%s %s does not exist: %w", kind, name, err)
}

// addFrom defines the valid keys of one envFrom source, sorted, prefixed.
func (r *Resolver) addFrom(ctx context.Context, e *Env, src *corev1.EnvFromSource) error {
	var data map[string]string
	secret := src.SecretRef != nil
	switch {
	case secret:
		raw, err := r.secret(ctx, src.SecretRef.Name)
		if err != nil {
			return missing(err, "secret", src.SecretRef.Name, src.SecretRef.Optional)
		}
		data = map[string]string{}
		for k, v := range raw {
			data[k] = string(v)
		}
	case src.ConfigMapRef != nil:
		var err error
		if data, err = r.configMap(ctx, src.ConfigMapRef.Name); err != nil {
			return missing(err, "config map", src.ConfigMapRef.Name, src.ConfigMapRef.Optional)
		}
	default:
		return drivers.Errorf(drivers.InvalidArgument, "an envFrom source names neither a secret nor a config map")
	}
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if name := src.Prefix + k; len(validation.IsEnvVarName(name)) == 0 {
			r.set(e, name, data[k], secret)
		}
	}
	return nil
}

func (r *Resolver) secret(ctx context.Context, name string) (map[string][]byte, error) {
	if r.Sources == nil {
		return nil, drivers.Errorf(drivers.NotFound, "no source of secrets")
	}
	return cached(&r.secrets, name, func() (map[string][]byte, error) { return r.Sources.Secret(ctx, name) })
}

func (r *Resolver) configMap(ctx context.Context, name string) (map[string]string, error) {
	if r.Sources == nil {
		return nil, drivers.Errorf(drivers.NotFound, "no source of config maps")
	}
	return cached(&r.configMaps, name, func() (map[string]string, error) { return r.Sources.ConfigMap(ctx, name) })
}

// cached returns (*cache)[name], reading it with read the first time.
func cached[T any](cache *map[string]T, name string, read func() (T, error)) (T, error) {
	if data, ok := (*cache)[name]; ok {
		return data, nil
	}
	data, err := read()
	if err != nil {
		return data, err
	}
	if *cache == nil {
		*cache = map[string]T{}
	}
	(*cache)[name] = data
	return data, nil
}

func isTrue(b *bool) bool { return b != nil && *b }
