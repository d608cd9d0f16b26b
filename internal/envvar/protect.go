package envvar

import (
	"regexp"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
)

// shellName is the grammar of the names the shell expands as "${NAME}".
var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Protect returns command, in Kubernetes syntax, with every reference
// $(NAME) for which protected(NAME) is true turned into the shell's
// "${NAME}", and everything else kept as it is ("$$" escapes included).
// A command's text is in the argv of `sh -c`, which every user of the
// machine can read (/proc/<pid>/cmdline): a variable that holds a
// secret's value reaches the command only through the environment, where
// the shell expands it. (Inside single quotes the shell does not expand
// it; such a command must use the variable another way.) A protected
// reference whose name the shell cannot expand is an InvalidArgument
// error.
func Protect(command string, protected func(name string) bool) (string, error) {
	var err error
	out := scanRefs(command, "$$", func(name, raw string) string {
		if !protected(name) {
			return raw
		}
		if !shellName.MatchString(name) && err == nil {
			err = drivers.Errorf(drivers.InvalidArgument, "a command refers to $(%s), which holds a secret's value and reaches "+
				"commands only as an environment variable, but %q is not a shell variable name", name, name)
		}
		return "${" + name + "}"
	})
	return out, err
}

// SecretVars returns the names of the variables of env (in order, as a
// container defines them after its envFrom) that hold a secret's value: a
// secretKeyRef, or a value that refers to such a variable defined before
// it. from are the names envFrom defined from secrets (their keys, with
// the source's prefix); a later definition from something else replaces
// the name's value and so its secrecy.
func SecretVars(env []corev1.EnvVar, from map[string]bool) map[string]bool {
	out := make(map[string]bool, len(from))
	for name, secret := range from {
		if secret {
			out[name] = true
		}
	}
	for _, v := range env {
		switch {
		case v.ValueFrom != nil:
			out[v.Name] = v.ValueFrom.SecretKeyRef != nil
		default:
			tainted := false
			scanRefs(v.Value, "$$", func(name, raw string) string {
				tainted = tainted || out[name]
				return raw
			})
			out[v.Name] = tainted
		}
		if !out[v.Name] {
			delete(out, v.Name)
		}
	}
	return out
}
