package local_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
)

func TestValuesUnderTheMountPathAreMappedToTheLocalClaim(t *testing.T) {
	f := newFixture(t)
	task := f.task("mapped", `printf '%s\n' "$BACKUP_DIR" "$SUB" "$CLAIM" "$OTHER" "$EXPANDED" "$CLIMB" > "$BACKUP_DIR/env"`)
	task.Env = append(task.Env,
		env("SUB", "/backupdata/ns/x/y"),
		env("CLAIM", "/backupdata"),
		env("OTHER", "/backupdataX/z"),
		env("EXPANDED", "$(BACKUP_DIR)/data"),
		env("CLIMB", "/backupdata/../../../etc"))
	f.start(task)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, task.ID).Phase)
	data, err := os.ReadFile(filepath.Join(f.dir(task.ID), "env"))
	require.NoError(t, err)
	root, err := filepath.EvalSymlinks(f.root)
	require.NoError(t, err)
	claim := filepath.Join(root, "c")
	assert.Equal(t, strings.Join([]string{
		filepath.Join(claim, "ns", "mapped"),
		filepath.Join(claim, "ns", "x", "y"),
		claim,
		"/backupdataX/z",
		filepath.Join(claim, "ns", "mapped", "data"),
		filepath.Join(claim, "etc"),
	}, "\n")+"\n", string(data))
}

func TestRestoreStepsSeeTheirOwnBackupDirectories(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"full", "incr"} {
		b := f.task(id, `echo "$BACKUP_NAME" > "$BACKUP_DIR/name"`)
		f.start(b)
		require.Equal(t, drivers.Succeeded, wait(t, f.d, id).Phase)
	}
	r := f.task("restore", `echo never`)
	r.Kind, r.Storage.Path = drivers.KindRestore, "ns/incr"
	r.Steps = nil
	for _, id := range []string{"full", "incr"} {
		r.Steps = append(r.Steps, drivers.Step{Name: id, Env: []corev1.EnvVar{env("BACKUP_NAME", id), env("BACKUP_DIR", "/backupdata/ns/"+id)},
			Commands: []string{`cat "$BACKUP_DIR/name" >> "$OUT"`}})
	}
	r.Env = append(r.Env, env("OUT", "/backupdata/restored"))
	f.start(r)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, r.ID).Phase)
	data, err := os.ReadFile(filepath.Join(f.root, "c", "restored"))
	require.NoError(t, err)
	assert.Equal(t, "full\nincr\n", string(data))
}

func TestEnvFromAndConfigMapsFollowKubernetesOrder(t *testing.T) {
	f := newFixture(t, func(o *local.Options) {
		o.Secrets = local.SecretMap{"ns/bulk": {"TOKEN": "tok-123456", "bad-name=": "skipped"}}
		o.ConfigMaps = local.ConfigMapMap{"cfg": {"MODE": "fast", "LEVEL": "3"}}
	})
	optional := true
	task := f.task("envfrom", `printf '%s|%s|%s|%s|%s' "$TOKEN" "$CFG_MODE" "$CFG_LEVEL" "$FROMKEY" "${MISSING-unset}" > "$BACKUP_DIR/env"`)
	task.EnvFrom = []corev1.EnvFromSource{
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "bulk"}}},
		{Prefix: "CFG_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}},
		{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}, Optional: &optional}},
	}
	task.Env = append(task.Env,
		env("CFG_LEVEL", "env-wins"),
		corev1.EnvVar{Name: "FROMKEY", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}, Key: "MODE"}}},
		corev1.EnvVar{Name: "MISSING", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "bulk"}, Key: "nope", Optional: &optional}}})
	f.start(task)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, task.ID).Phase)
	data, err := os.ReadFile(filepath.Join(f.dir(task.ID), "env"))
	require.NoError(t, err)
	assert.Equal(t, "tok-123456|fast|env-wins|fast|unset", string(data))
}

func TestMissingSecretsFailTheStart(t *testing.T) {
	f := newFixture(t, func(o *local.Options) { o.Secrets = local.SecretMap{"ns/db": {"password": "pw-1234"}} })
	for name, v := range map[string]corev1.EnvVar{
		"missing secret": secretEnv("DB_PASSWORD", "other", "password"),
		"missing key":    secretEnv("DB_PASSWORD", "db", "username"),
	} {
		task := f.task("missing-"+strings.ReplaceAll(name, " ", "-"), `echo x`)
		task.Env = append(task.Env, v)
		err := f.d.Start(f.ctx, task)
		assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%s: %v", name, err)
	}
	noSource := newFixture(t)
	task := noSource.task("no-source", `echo x`)
	task.Env = append(task.Env, secretEnv("DB_PASSWORD", "db", "password"))
	err := noSource.d.Start(noSource.ctx, task)
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
	assert.Contains(t, err.Error(), "no SecretSource")
}

func TestSecretDirReadsMountedSecrets(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "ns", "db"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ns", "db", "password"), []byte("from-file"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ns", "db", "..data"), 0o700))
	src := local.SecretDir(dir)
	data, err := src.Secret(context.Background(), "ns", "db")
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"password": []byte("from-file")}, data)
	_, err = src.Secret(context.Background(), "ns", "other")
	assert.True(t, drivers.IsNotFound(err), "%v", err)
	_, err = src.Secret(context.Background(), "ns", "../ns/db")
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
}

func TestLocalTargetsAreSelectedByLabels(t *testing.T) {
	ts := local.Targets{
		{Name: "pg-1", Labels: map[string]string{"app": "pg"}, DataDir: "/var/lib/pg1", Env: map[string]string{"PGPORT": "5433"}},
		{Name: "pg-0", Labels: map[string]string{"app": "pg"}, Host: "db.local", DataDir: "/var/lib/pg0"},
		{Name: "my-0", Labels: map[string]string{"app": "mysql"}},
	}
	sel, err := labels.Parse("app=pg")
	require.NoError(t, err)
	got, err := ts.Targets(context.Background(), "any", sel)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, drivers.Target{Name: "pg-0", Host: "db.local", Labels: map[string]string{"app": "pg"},
		Env: map[string]string{"DATA_DIR": "/var/lib/pg0"}, DataDir: "/var/lib/pg0"}, got[0])
	assert.Equal(t, "127.0.0.1", got[1].Host, "the default host")
	assert.Equal(t, map[string]string{"DATA_DIR": "/var/lib/pg1", "PGPORT": "5433"}, got[1].Env)
	assert.Nil(t, local.Target{Name: "x"}.Resolved().Env)
}

func TestCapabilitiesAndOptions(t *testing.T) {
	f := newFixture(t)
	caps, err := f.d.Capabilities(f.ctx)
	require.NoError(t, err)
	assert.Len(t, caps.Kinds, 5)
	assert.False(t, caps.Supports(drivers.KindBackup, "snapshot"))
	_, err = local.New(local.Options{})
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
	_, err = local.New(local.Options{Root: t.TempDir(), Shell: "no-such-shell-xyz"})
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err))
	d, err := local.New(local.Options{Root: t.TempDir()})
	require.NoError(t, err)
	require.NoError(t, d.Close())
	_, err = d.Status(f.ctx, "x")
	assert.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "a closed driver: %v", err)
}

func TestCommandsExpandReferencesAsTheKubeletDoes(t *testing.T) {
	f := newFixture(t)
	task := f.task("cmd-expand", `echo '$(BACKUP_NAME) $$(BACKUP_NAME) $(UNDEFINED) $$' > "$BACKUP_DIR/out"`)
	f.start(task)
	require.Equal(t, drivers.Succeeded, wait(t, f.d, task.ID).Phase)
	data, err := os.ReadFile(filepath.Join(f.dir(task.ID), "out"))
	require.NoError(t, err)
	assert.Equal(t, "cmd-expand $(BACKUP_NAME) $(UNDEFINED) $\n", string(data), "$$ is an escaped $, as in a container's args")
}
