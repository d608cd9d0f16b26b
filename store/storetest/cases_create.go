package storetest

import (
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/equality"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func createCases() []testCase {
	return []testCase{
		{"create sets the system fields and Get returns the stored object", testCreateSetsSystemFields},
		{"create does not modify its argument", testCreateKeepsArgument},
		{"create applies the API defaults of every kind", testCreateAppliesDefaults},
		{"create ignores status", testCreateIgnoresStatus},
		{"create of a taken name is AlreadyExists", testCreateTakenName},
		{"create of an invalid object is Invalid and names the field", testCreateInvalid},
		{"create generates a name from generateName", testCreateGenerateName},
	}
}

func testCreateSetsSystemFields(t *testing.T, e *env) {
	created := e.createBackup(e.backup(e.ns, "b"))
	assert.NotEmpty(t, created.UID, "uid")
	assert.NotEmpty(t, created.ResourceVersion, "resourceVersion")
	assert.Equal(t, int64(1), created.Generation, "generation")
	assert.False(t, created.CreationTimestamp.IsZero(), "creationTimestamp")
	assert.Nil(t, created.DeletionTimestamp, "deletionTimestamp")
	requireTypeMeta(t, created, "Backup")

	got := e.getBackup(e.ns, "b")
	requireTypeMeta(t, got, "Backup")
	require.True(t, equality.Semantic.DeepEqual(created, got), "Get differs from Create:\n%+v\n%+v", created, got)

	other := e.createBackup(e.backup(e.ns, "c"))
	assert.NotEqual(t, created.UID, other.UID, "every object has its own uid")
	assert.NotEqual(t, created.ResourceVersion, other.ResourceVersion)
}

func testCreateKeepsArgument(t *testing.T, e *env) {
	in := e.backup(e.ns, "b")
	in.Status.Phase = v1alpha1.BackupCompleted
	before := in.DeepCopy()
	created := e.createBackup(in)
	require.Equal(t, before, in, "Create modified its argument")

	created.Labels["changed"] = "yes"
	assert.NotContains(t, e.getBackup(e.ns, "b").Labels, "changed", "a returned object is the caller's")
}

func testCreateAppliesDefaults(t *testing.T, e *env) {
	ctx := e.ctx
	b := e.createBackup(e.backup(e.ns, "b"))
	assert.Equal(t, v1alpha1.BackupTypeDataFile, b.Spec.BackupType)

	p, err := e.s.BackupPolicies().Create(ctx, e.policy(e.ns, "p"))
	require.NoError(t, err)
	df := p.Spec.Datafile
	require.NotNil(t, df.BackupsHistoryLimit)
	assert.Equal(t, int32(7), *df.BackupsHistoryLimit)
	assert.Equal(t, v1alpha1.CreatePVCPolicyIfNotPresent, df.PersistentVolumeClaim.CreatePolicy)
	require.NotNil(t, df.PersistentVolumeClaim.InitCapacity)
	assert.Equal(t, "100Gi", df.PersistentVolumeClaim.InitCapacity.String())
	assert.Equal(t, "username", df.Target.Secret.UsernameKey)
	assert.Equal(t, "password", df.Target.Secret.PasswordKey)

	tool, err := e.s.BackupTools().Create(ctx, e.tool("t"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.s.BackupTools().Delete(ctx, "", tool.Name, "") })
	assert.Equal(t, v1alpha1.DeployKindJob, tool.Spec.DeployKind)
	assert.Equal(t, v1alpha1.ToolTypeFile, tool.Spec.Type)

	r, err := e.s.RestoreJobs().Create(ctx, e.restoreJob(e.ns, "r"))
	require.NoError(t, err)
	assert.Equal(t, "username", r.Spec.Target.Secret.UsernameKey)
	assert.Equal(t, "password", r.Spec.Target.Secret.PasswordKey)
}

func testCreateIgnoresStatus(t *testing.T, e *env) {
	in := e.backup(e.ns, "b")
	in.Status = v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, TotalSize: "1Gi"}
	created := e.createBackup(in)
	assert.Equal(t, v1alpha1.BackupStatus{}, created.Status)
	assert.Equal(t, v1alpha1.BackupStatus{}, e.getBackup(e.ns, "b").Status)

	p := e.policy(e.ns, "p")
	p.Status.Phase = v1alpha1.PolicyAvailable
	got, err := e.s.BackupPolicies().Create(e.ctx, p)
	require.NoError(t, err)
	assert.Empty(t, got.Status.Phase)
}

func testCreateTakenName(t *testing.T, e *env) {
	first := e.createBackup(e.backup(e.ns, "b"))
	again := e.backup(e.ns, "b")
	again.Spec.BackupPolicyName = "another"
	_, err := e.s.Backups().Create(e.ctx, again)
	requireReason(t, apierrors.IsAlreadyExists, err, "AlreadyExists")
	assert.Equal(t, first.Spec, e.getBackup(e.ns, "b").Spec, "the first object stays")

	_, err = e.s.Backups().Create(e.ctx, e.backup(e.other, "b"))
	require.NoError(t, err, "the same name in another namespace is another object")
}

func testCreateInvalid(t *testing.T, e *env) {
	cases := []struct {
		name  string
		obj   func() *v1alpha1.Backup
		field string
	}{
		{"unsupported backupType", func() *v1alpha1.Backup {
			b := e.backup(e.ns, "bad-type")
			b.Spec.BackupType = "full"
			return b
		}, "spec.backupType"},
		{"bad backupPolicyName", func() *v1alpha1.Backup {
			b := e.backup(e.ns, "bad-policy")
			b.Spec.BackupPolicyName = "Not_A_Name"
			return b
		}, "spec.backupPolicyName"},
		{"bad name", func() *v1alpha1.Backup { return e.backup(e.ns, "Bad_Name") }, "metadata.name"},
		{"bad label", func() *v1alpha1.Backup {
			b := e.backup(e.ns, "bad-label")
			b.Labels["bad key!"] = "v"
			return b
		}, "metadata.labels"},
		{"no namespace", func() *v1alpha1.Backup { return e.backup("", "no-namespace") }, "metadata.namespace"},
	}
	for _, c := range cases {
		obj := c.obj()
		_, err := e.s.Backups().Create(e.ctx, obj)
		requireReason(t, apierrors.IsInvalid, err, c.name+": Invalid")
		assert.Contains(t, err.Error(), c.field, c.name)
		if obj.Namespace != "" {
			_, err = e.s.Backups().Get(e.ctx, obj.Namespace, obj.Name)
			assert.True(t, apierrors.IsNotFound(err), "%s: an invalid object is not stored: %v", c.name, err)
		}
	}

	tool := e.tool("namespaced")
	tool.Namespace = e.ns
	_, err := e.s.BackupTools().Create(e.ctx, tool)
	requireReason(t, apierrors.IsInvalid, err, "Invalid for a BackupTool with a namespace")
	assert.Contains(t, err.Error(), "metadata.namespace")
}

func testCreateGenerateName(t *testing.T, e *env) {
	in := e.backup(e.ns, "")
	in.GenerateName = "gen-"
	created := e.createBackup(in)
	assert.True(t, strings.HasPrefix(created.Name, "gen-"), "name %q", created.Name)
	assert.Len(t, created.Name, len("gen-")+5)
	e.getBackup(e.ns, created.Name)
}
