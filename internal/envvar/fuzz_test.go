package envvar_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// FuzzExpand: for any text and values, Expand never panics and keeps the
// laws the drivers rely on: an escaped text expands to itself, expanding
// what Substitute left gives one expansion of the original, and renamed
// references expand as the originals did.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"$(A)/x", "$$(A) $$$(B)", "$(unterminated $(A) $$", "$(A$(B))", "$", "$(", "$()", "a$b$(C)"} {
		f.Add(s, "v$(B)", "w$$")
	}
	f.Fuzz(func(t *testing.T, s, a, b string) {
		vals := map[string]string{"A": a, "B": b, "C": a + b}
		lookup := func(name string) (string, bool) { v, ok := vals[name]; return v, ok }
		early := func(name string) (string, bool) {
			if name == "C" {
				return "", false // resolved late (a secret)
			}
			return lookup(name)
		}
		require.Equal(t, s, envvar.Expand(envvar.Escape(s), lookup), "an escaped text is itself")
		once := envvar.Expand(s, lookup)
		require.Equal(t, once, envvar.Expand(envvar.Substitute(s, early), lookup), "substitute then expand")
		renamed := envvar.Rename(s, map[string]string{"A": "RENAMED_A"})
		require.Equal(t, once, envvar.Expand(renamed, func(name string) (string, bool) {
			switch name {
			case "RENAMED_A":
				return lookup("A")
			case "A":
				return "", false
			}
			return lookup(name)
		}), "rename then expand")
	})
}

// maxFuzzVars bounds the variables FuzzResolve builds: each value may
// repeat every earlier one, as the kubelet's expansion allows.
const maxFuzzVars = 12

// fuzzEnv builds env entries from lines: NAME=VALUE (a value),
// NAME<secret:KEY, NAME<config:KEY, NAME<field:PATH (a reference; a
// trailing "?" makes it optional).
func fuzzEnv(spec string) []corev1.EnvVar {
	var env []corev1.EnvVar
	for i, line := range strings.Split(spec, "\n") {
		if i == maxFuzzVars {
			break
		}
		if name, value, ok := strings.Cut(line, "="); ok {
			env = append(env, corev1.EnvVar{Name: name, Value: value})
			continue
		}
		name, ref, _ := strings.Cut(line, "<")
		kind, key, _ := strings.Cut(ref, ":")
		optional := strings.HasSuffix(key, "?")
		key = strings.TrimSuffix(key, "?")
		src := &corev1.EnvVarSource{}
		switch kind {
		case "secret":
			src = secretRef("db", key, optional)
		case "config":
			src.ConfigMapKeyRef = &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"},
				Key: key, Optional: &optional}
		case "field":
			src.FieldRef = &corev1.ObjectFieldSelector{FieldPath: key}
		}
		env = append(env, corev1.EnvVar{Name: name, ValueFrom: src})
	}
	return env
}

// FuzzResolve: whatever env a tool declares and whatever its secret holds,
// resolution never panics, fails only with a documented code, and a value
// read from the secret is always known to the Redactor.
func FuzzResolve(f *testing.F) {
	f.Add("A=x\nB=$(A)$(A)\nP<secret:password\nC=$(P)", "pa$$(w)")
	f.Add("P<secret:nope?\nM<config:MODE\nN<field:metadata.labels['app']", `q"uo\te`)
	f.Add("X<field:spec.nodeName\nY<field:status.podIP\nZ<weird:", "")
	f.Fuzz(func(t *testing.T, spec, password string) {
		src := testSources()
		src.secrets["db"]["password"] = password
		r := &envvar.Resolver{Sources: src, Fields: envvar.PodFields(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{
			Name: "db-0", Namespace: "ns", Labels: map[string]string{"app": "pg"}}})}
		env, err := r.Resolve(context.Background(), fuzzEnv(spec), nil)
		if err != nil {
			code := drivers.ErrorCode(err)
			require.True(t, code == drivers.InvalidArgument || code == drivers.FailedPrecondition, "%v: %v", code, err)
			return
		}
		for _, v := range env.Vars() {
			if v.Value == password && password != "" && strings.Contains(spec, v.Name+"<secret:password") {
				require.True(t, r.Redactor().Holds(password), "a secret's value is redacted")
			}
		}
	})
}
