package policy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// fullManifest is the manifest that sets every field of the API.
var fullManifest = filepath.Join("..", "types", "v1alpha1", "testdata", "full.yaml")

// The names the fixtures use.
const (
	policyName = "pg-policy"
	toolName   = "pg-basebackup"
	walTool    = "pg-wal-archive"
	ns         = "demo"
	baseName   = "pg-policy-datafile-20261124013000"
	incrName   = "pg-policy-datafile-20261125013000"
)

// deadline is the deadline every resolved task gets in these tests.
var deadline = time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)

// fixture holds the objects of the full manifest, defaulted, and what the
// executor would gather around them.
type fixture struct {
	tool    *v1alpha1.BackupTool
	wal     *v1alpha1.BackupTool
	policy  *v1alpha1.BackupPolicy
	restore *v1alpha1.RestoreJob
}

// load decodes the full manifest strictly and defaults it. The logfile
// policy names a second tool, pg-wal-archive, which the manifest does not
// hold: it is the first tool as a pitr daemon without a driver annotation.
func load(t testing.TB) fixture {
	t.Helper()
	data, err := os.ReadFile(fullManifest)
	require.NoError(t, err)
	objs, err := v1alpha1.DecodeAll(bytes.NewReader(data))
	require.NoError(t, err)
	var f fixture
	for _, o := range objs {
		v1alpha1.SetDefaults(o)
		switch o := o.(type) {
		case *v1alpha1.BackupTool:
			f.tool = o
		case *v1alpha1.BackupPolicy:
			f.policy = o
		case *v1alpha1.RestoreJob:
			f.restore = o
			o.UID = "restore-uid"
		}
	}
	require.NotNil(t, f.tool)
	require.NotNil(t, f.policy)
	require.NotNil(t, f.restore)
	f.wal = f.tool.DeepCopy()
	f.wal.Name, f.wal.Annotations = walTool, nil
	f.wal.Spec.DeployKind, f.wal.Spec.Type = v1alpha1.DeployKindDaemon, v1alpha1.ToolTypePITR
	return f
}

// inputs are Validate's inputs that make the full policy Available.
func (f fixture) inputs() policy.Inputs {
	return policy.Inputs{
		Tools:      map[string]*v1alpha1.BackupTool{toolName: f.tool, walTool: f.wal},
		Drivers:    allDrivers(),
		SecretKeys: map[string][]string{"pg-secret": {"username", "password", "user", "pass"}},
	}
}

// allDrivers registers local, job, daemon and snapshot, each able to run
// every task kind of every backup type.
func allDrivers() policy.DriverCapabilities {
	all := drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}
	return policy.DriverCapabilities{"local": all, drivers.NameJob: all, drivers.NameDaemon: all, drivers.NameSnapshot: all}
}

// backup returns a new Backup of the policy.
func backup(name string, t v1alpha1.BackupType) *v1alpha1.Backup {
	return &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: types.UID(name + "-uid")},
		Spec:       v1alpha1.BackupSpec{BackupPolicyName: policyName, BackupType: t},
	}
}

// completed returns a Completed datafile Backup of the policy, stored where
// the engine stores it, made with the tool by the local driver.
func completed(name, parent string) *v1alpha1.Backup {
	b := backup(name, v1alpha1.BackupTypeDataFile)
	b.Annotations = map[string]string{v1alpha1.AnnotationDriver: "local"}
	b.Spec.ParentBackupName = parent
	start := metav1.NewTime(time.Date(2026, 11, 24, 1, 30, 2, 0, time.UTC))
	b.Status = v1alpha1.BackupStatus{
		Phase:                     v1alpha1.BackupCompleted,
		ParentBackupName:          parent,
		StartTimestamp:            &start,
		PersistentVolumeClaimName: "backup-data",
		BackupToolName:            toolName,
		Manifests: &v1alpha1.ManifestsStatus{BackupTool: &v1alpha1.BackupToolManifestsStatus{
			FilePath: "/backupdata/demo/" + name, CheckPoint: "0/3000028",
		}},
	}
	return b
}

// target is the instance the fixtures back up: a pod with two claims and
// one variable of its own.
func target() drivers.Target {
	pvc := func(name, claim string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}
	}
	return drivers.Target{
		Name: "pg-0", Namespace: ns, Host: "pg-0.pg-headless", Node: "node-1",
		Containers: []string{"postgres", "metrics"},
		Volumes: []corev1.Volume{pvc("data", "data-pg-0"), pvc("log", "log-pg-0"),
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{}}}},
		Env: map[string]string{"PGDATA": "/var/lib/postgresql/data"},
	}
}

// backupInputs are ResolveBackup's inputs for a Backup of type t.
func (f fixture) backupInputs(b *v1alpha1.Backup) policy.BackupInputs {
	in := policy.BackupInputs{Backup: b, Policy: f.policy, Target: target(), Deadline: deadline}
	switch b.Spec.BackupType {
	case v1alpha1.BackupTypeDataFile:
		in.Tool = f.tool
	case v1alpha1.BackupTypeLogFile:
		in.Tool = f.wal
	}
	return in
}

// envNames lists the names of env, in order.
func envNames(env []corev1.EnvVar) []string {
	names := make([]string, len(env))
	for i, v := range env {
		names[i] = v.Name
	}
	return names
}

// envValue returns the value of the variable name in env.
func envValue(t testing.TB, env []corev1.EnvVar, name string) string {
	t.Helper()
	for _, v := range env {
		if v.Name == name {
			return v.Value
		}
	}
	require.Failf(t, "no such variable", "%s not in %v", name, envNames(env))
	return ""
}

// envVar returns the variable name in env.
func envVar(t testing.TB, env []corev1.EnvVar, name string) corev1.EnvVar {
	t.Helper()
	for _, v := range env {
		if v.Name == name {
			return v
		}
	}
	require.Failf(t, "no such variable", "%s not in %v", name, envNames(env))
	return corev1.EnvVar{}
}

// secretRef is a variable whose value is key of secret name.
func secretRef(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

// ref returns a pointer to v.
func ref[T any](v T) *T { return &v }
