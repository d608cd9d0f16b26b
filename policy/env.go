package policy

import (
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
type envBuilder struct {
	vars  []corev1.EnvVar
	plain map[string]string
}

func newEnv() *envBuilder { return &envBuilder{plain: map[string]string{}} }

// set appends an engine variable with a literal value.
func (e *envBuilder) set(name, value string) {
	e.vars = append(e.vars, corev1.EnvVar{Name: name, Value: envvar.Escape(value)})
	e.plain[name] = value
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
}

// add appends a tool env var, substituting its references to the plain
// values before it. A var whose value comes from a source, or still refers
// to one, is not plain: later references to it are left to the driver.
func (e *envBuilder) add(v corev1.EnvVar) {
	if v.ValueFrom != nil {
		e.vars = append(e.vars, *v.DeepCopy())
		delete(e.plain, v.Name)
		return
	}
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
