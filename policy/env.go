package policy

import (
	"fmt"
	"regexp"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The environment variables the engine gives every tool command.
const (
	EnvDBHost           = "DB_HOST"
	EnvDBUser           = "DB_USER"
	EnvDBPassword       = "DB_PASSWORD"
	EnvBackupName       = "BACKUP_NAME"
	EnvBackupDir        = "BACKUP_DIR"
	EnvParentBackupName = "PARENT_BACKUP_NAME"
	EnvParentBackupDir  = "PARENT_BACKUP_DIR"
	EnvParentCheckpoint = "PARENT_CHECKPOINT"
)

// envBuilder assembles an environment in order. Values stay in Kubernetes
// syntax: engine values are escaped, and a tool value's references to plain
// values before it are substituted (escaped), so the one expansion a driver
// (or the kubelet) does at the end gives the documented result, including
// references to secret-backed variables, which only the driver can resolve.
//
// It also knows which variables hold values read from a Backup's status
// (untrusted: a tool or a status update wrote them), directly or through a
// tool variable that refers to one, so that those values reach commands
// only through the environment (see protect).
//
// Likewise it knows which variables hold a secret's value (DB_USER,
// DB_PASSWORD, a tool's secretKeyRef, or a tool variable that refers to
// one), which also reach commands only through the environment: a value
// substituted into a command's text is in the argv of `sh -c`, which
// /proc/<pid>/cmdline shows to every user of the machine.
type envBuilder struct {
	vars      []corev1.EnvVar
	plain     map[string]string
	untrusted map[string]bool
	secrets   map[string]bool
}

func newEnv() *envBuilder {
	return &envBuilder{plain: map[string]string{}, untrusted: map[string]bool{}, secrets: map[string]bool{}}
}

// set appends an engine variable with a literal value.
func (e *envBuilder) set(name, value string) {
	e.vars = append(e.vars, corev1.EnvVar{Name: name, Value: envvar.Escape(value)})
	e.plain[name] = value
	delete(e.untrusted, name)
	delete(e.secrets, name)
}

// setUntrusted appends an engine variable whose value was read from a
// Backup's status.
func (e *envBuilder) setUntrusted(name, value string) {
	e.set(name, value)
	e.untrusted[name] = true
}

// secret appends a variable that references key of secret s; an empty key
// (an object that was not defaulted) is the API's default key def.
func (e *envBuilder) secret(name string, s *v1alpha1.BackupPolicySecret, key, def string) {
	if key == "" {
		key = def
	}
	e.vars = append(e.vars, corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: s.Name}, Key: key},
	}})
	delete(e.plain, name)
	e.secrets[name] = true
}

// add appends a tool env var, substituting its references to the plain
// values before it. A var whose value comes from a source, or still refers
// to one, is not plain: later references to it are left to the driver.
func (e *envBuilder) add(v corev1.EnvVar) {
	if v.ValueFrom != nil {
		e.vars = append(e.vars, *v.DeepCopy())
		delete(e.plain, v.Name)
		delete(e.untrusted, v.Name)
		e.secrets[v.Name] = v.ValueFrom.SecretKeyRef != nil
		return
	}
	untrusted, secret := false, false
	envvar.Substitute(v.Value, func(name string) (string, bool) {
		untrusted = untrusted || e.untrusted[name]
		secret = secret || e.secrets[name]
		return "", false
	})
	e.untrusted[v.Name], e.secrets[v.Name] = untrusted, secret
	sub := envvar.Substitute(v.Value, e.lookup)
	e.vars = append(e.vars, corev1.EnvVar{Name: v.Name, Value: sub})
	unresolved := false
	literal := envvar.Expand(sub, func(string) (string, bool) { unresolved = true; return "", false })
	if unresolved {
		delete(e.plain, v.Name)
		return
	}
	e.plain[v.Name] = literal
}

func (e *envBuilder) lookup(name string) (string, bool) {
	v, ok := e.plain[name]
	return v, ok
}

// baseEnv is the environment every command of a backup or restore task gets
// before the tool's own variables.
func baseEnv(target drivers.Target, secret *v1alpha1.BackupPolicySecret, backupName, backupDir string) *envBuilder {
	e := newEnv()
	e.set(EnvDBHost, target.Host)
	if secret != nil {
		e.secret(EnvDBUser, secret, secret.UsernameKey, v1alpha1.DefaultUsernameKey)
		e.secret(EnvDBPassword, secret, secret.PasswordKey, v1alpha1.DefaultPasswordKey)
	}
	e.set(EnvBackupName, backupName)
	e.set(EnvBackupDir, backupDir)
	for _, k := range sortedKeys(target.Env) {
		e.set(k, target.Env[k])
	}
	return e
}

// protect returns commands with every reference $(NAME) to an untrusted
// or a secret variable turned into the shell's "${NAME}": the driver (or
// the kubelet) substitutes references into the command text before `sh -c`
// parses it, so a value from a Backup's status, such as a CheckPoint
// `x"; touch /tmp/marker; echo "`, would run as code, and a password would
// be in the argv of `sh -c`, which every user of the machine can read in
// /proc/<pid>/cmdline. Through the environment the shell expands it as
// data. (Inside single quotes the shell does not expand it: such a command
// must use the variable another way.) A reference to such a variable whose
// name the shell cannot expand is an error. The expansion of the other
// variables keeps the Kubernetes semantics.
func (e *envBuilder) protect(commands []string) ([]string, error) {
	out := make([]string, len(commands))
	var err error
	for i, c := range commands {
		out[i] = envvar.Substitute(c, func(name string) (string, bool) {
			what := ""
			switch {
			case e.untrusted[name]:
				what = "a value from a Backup's status"
			case e.secrets[name]:
				what = "a secret's value"
			default:
				return "", false
			}
			if !shellName.MatchString(name) && err == nil {
				err = fmt.Errorf("command %d refers to $(%s), which holds %s and reaches "+
					"commands only as an environment variable, but %q is not a shell variable name", i, name, what, name)
			}
			return "${" + name + "}", true
		})
	}
	return out, err
}

// shellName is the grammar of the names the shell expands as "${NAME}".
var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
