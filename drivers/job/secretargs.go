package job

import (
	"context"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/kubeenv"
)

// The kubelet expands the $(VAR) references of a container's args, which
// are in the argv of the container's `sh -c` (and so in
// /proc/<pid>/cmdline, readable by every process of the node that can see
// it). A reference to a variable that holds a secret's value — a
// secretKeyRef, a variable built from one, a key of an envFrom secret —
// becomes the shell's "${VAR}" instead (envvar.Protect), which the
// command's shell expands from the environment. The keys of an envFrom
// secret are read (their names only) when the Job is made.

// envFromSecretNames returns the names the task's envFrom secrets define
// (keys that are valid variable names, with the source's prefix). A
// missing optional secret defines none; a missing required one is left to
// the kubelet, which does not start the pod.
func (d *Driver) envFromSecretNames(ctx context.Context, t *drivers.Task, namespace string) (map[string]bool, error) {
	out := map[string]bool{}
	src := kubeenv.Sources(d.client, namespace)
	for _, from := range t.EnvFrom {
		if from.SecretRef == nil {
			continue // a config map's keys that a secret's defined too are rare: they stay protected
		}
		data, err := src.Secret(ctx, from.SecretRef.Name)
		if drivers.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(data)) {
			if name := from.Prefix + k; len(validation.IsEnvVarName(name)) == 0 {
				out[name] = true
			}
		}
	}
	return out, nil
}

// protectSteps returns steps with the references of their commands to
// secret-backed variables protected (see above): the task's env, then each
// step's, defines them after envFrom's fromSecrets. A name the shell cannot
// expand stays "${name}", which the shell then reports as a bad
// substitution: the value never reaches the text.
func protectSteps(steps []drivers.Step, env []corev1.EnvVar, fromSecrets map[string]bool) []drivers.Step {
	out := make([]drivers.Step, len(steps))
	for i, s := range steps {
		secret := envvar.SecretVars(append(slices.Clip(env), s.Env...), fromSecrets)
		out[i] = s
		out[i].Commands = make([]string, len(s.Commands))
		for j, c := range s.Commands {
			out[i].Commands[j], _ = envvar.Protect(c, func(name string) bool { return secret[name] })
		}
	}
	return out
}
