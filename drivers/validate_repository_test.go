package drivers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func secretRef(name, key string) *corev1.EnvVarSource {
	return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
}

// stagedBackup is a backup task whose data goes to a repository.
func stagedBackup() *drivers.Task {
	t := validBackup()
	t.Storage.ClaimName = ""
	t.Repository = &drivers.Repository{Name: "offsite", URL: "s3://bucket/p?endpoint=s3.local:9000",
		Env: []corev1.EnvVar{{Name: drivers.EnvAccessKeyID, Value: "AKID"},
			{Name: drivers.EnvSecretAccessKey, ValueFrom: secretRef("s3", "secret")}},
		Recipients: []string{"age1xyz"},
		Push:       &drivers.Transfer{Key: "ns/policy/b1", Path: "ns/b1"}}
	return t
}

// stagedRestore is a restore task of a chain of two repository backups.
func stagedRestore() *drivers.Task {
	t := stagedBackup()
	t.Kind = drivers.KindRestore
	t.Repository.Push = nil
	t.Repository.Pull = []drivers.Transfer{{Key: "ns/p/full", Path: "ns/full"}, {Key: "ns/p/inc", Path: "ns/inc", ManifestSHA256: "ab"}}
	return t
}

func TestValidateTaskAcceptsRepositoryTasks(t *testing.T) {
	require.NoError(t, drivers.ValidateTask(stagedBackup()))
	require.NoError(t, drivers.ValidateTask(stagedRestore()))
}

func TestValidateTaskRejectsMalformedRepositoryTasks(t *testing.T) {
	for name, c := range map[string]struct {
		task   func() *drivers.Task
		mutate func(*drivers.Task)
	}{
		"a claim and a repository": {stagedBackup, func(t *drivers.Task) { t.Storage.ClaimName = "pvc" }},
		"no URL":                   {stagedBackup, func(t *drivers.Task) { t.Repository.URL = "" }},
		"a backup without push":    {stagedBackup, func(t *drivers.Task) { t.Repository.Push = nil }},
		"a restore without pull":   {stagedRestore, func(t *drivers.Task) { t.Repository.Pull = nil }},
		"a restore with a push":    {stagedRestore, func(t *drivers.Task) { t.Repository.Push = &drivers.Transfer{Key: "a/b", Path: "a"} }},
		"a hook with a repository": {stagedBackup, func(t *drivers.Task) { t.Kind = drivers.KindHook }},
		"a snapshot with one":      {stagedBackup, func(t *drivers.Task) { t.BackupType = v1alpha1.BackupTypeSnapshot }},
		"a key climbing out":       {stagedBackup, func(t *drivers.Task) { t.Repository.Push.Key = "ns/../../x" }},
		"an absolute key":          {stagedBackup, func(t *drivers.Task) { t.Repository.Push.Key = "/ns/b" }},
		"a path climbing out":      {stagedRestore, func(t *drivers.Task) { t.Repository.Pull[1].Path = "../x" }},
		"the staging root":         {stagedBackup, func(t *drivers.Task) { t.Repository.Push.Path = "." }},
		"a relative mount path":    {stagedBackup, func(t *drivers.Task) { t.Storage.MountPath = "backupdata" }},
		"a secret key as a value": {stagedBackup, func(t *drivers.Task) {
			t.Repository.Env[1] = corev1.EnvVar{Name: drivers.EnvSecretAccessKey, Value: "s3cr3t"}
		}},
		"an identity as a value": {stagedRestore, func(t *drivers.Task) {
			t.Repository.Env = []corev1.EnvVar{{Name: drivers.EnvRepositoryIdentity, Value: "AGE-SECRET-KEY-1"}}
		}},
		"a client variable with =":  {stagedBackup, func(t *drivers.Task) { t.Repository.Env[0].Name = "A=B" }},
		"pulling the pushed backup": {stagedBackup, func(t *drivers.Task) { t.Repository.Pull = []drivers.Transfer{*t.Repository.Push} }},
	} {
		t.Run(name, func(t *testing.T) {
			task := c.task()
			c.mutate(task)
			err := drivers.ValidateTask(task)
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

func TestRepositoryClientEnv(t *testing.T) {
	r := stagedBackup().Repository
	r.URL = "file:///a$b"
	env := r.ClientEnv()
	require.Equal(t, []corev1.EnvVar{{Name: "DP_REPOSITORY", Value: "file:///a$$b"}, {Name: "DP_REPOSITORY_RECIPIENTS", Value: "age1xyz"},
		{Name: "AWS_ACCESS_KEY_ID", Value: "AKID"}, {Name: "AWS_SECRET_ACCESS_KEY", ValueFrom: secretRef("s3", "secret")}}, env)
	c := r.DeepCopy()
	c.Env[1].ValueFrom.SecretKeyRef.Name = "other"
	c.Push.Key = "x/y"
	require.Equal(t, "s3", r.Env[1].ValueFrom.SecretKeyRef.Name)
	require.Equal(t, "ns/policy/b1", r.Push.Key)
}
