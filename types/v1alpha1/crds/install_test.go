package crds_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	"github.com/dpsdk/dataprotection/internal/testenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// setup installs the CRDs into the shared control plane and returns a typed
// client and a fresh namespace.
func setup(t *testing.T) (versioned.Interface, string) {
	t.Helper()
	env := testenv.Require(t)
	ctx := context.Background()
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), nil))
	dp, err := versioned.NewForConfig(env.Config)
	require.NoError(t, err)
	return dp, env.NewNamespace(t)
}

func TestInstallIsIdempotentAndEstablishes(t *testing.T) {
	env := testenv.Require(t)
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	ctx := context.Background()
	for range 2 {
		require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), &crds.InstallOptions{Timeout: 30 * time.Second}))
	}
	list, err := ext.ApiextensionsV1().CustomResourceDefinitions().List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	var names []string
	for _, c := range list.Items {
		names = append(names, c.Name)
	}
	require.Subset(t, names, []string{
		"backups.dataprotection.kubeblocks.io", "backuppolicies.dataprotection.kubeblocks.io",
		"backuptools.dataprotection.kubeblocks.io", "restorejobs.dataprotection.kubeblocks.io",
	})
}

func TestEveryKindIsCreatedReadListedAndWatched(t *testing.T) {
	dp, ns := setup(t)
	ctx := context.Background()
	c := dp.DataprotectionV1alpha1()

	w, err := c.Backups(ns).Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	defer w.Stop()

	tool := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool-" + ns},
		Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{"true"}}}
	_, err = c.BackupTools().Create(ctx, tool, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.BackupTools().Delete(context.Background(), tool.Name, metav1.DeleteOptions{}) })
	gotTool, err := c.BackupTools().Get(ctx, tool.Name, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.DeployKindJob, gotTool.Spec.DeployKind, "the server applies the deployKind default")
	assert.Equal(t, v1alpha1.ToolTypeFile, gotTool.Spec.Type)

	policy := minimalPolicyObject("p", tool.Name)
	_, err = c.BackupPolicies(ns).Create(ctx, policy, metav1.CreateOptions{})
	require.NoError(t, err)
	gotPolicy, err := c.BackupPolicies(ns).Get(ctx, "p", metav1.GetOptions{})
	require.NoError(t, err)
	require.NotNil(t, gotPolicy.Spec.Datafile.BackupsHistoryLimit)
	assert.Equal(t, int32(7), *gotPolicy.Spec.Datafile.BackupsHistoryLimit, "the server applies backupsHistoryLimit=7")
	assert.Equal(t, v1alpha1.CreatePVCPolicyIfNotPresent, gotPolicy.Spec.Datafile.PersistentVolumeClaim.CreatePolicy)
	assert.Equal(t, "100Gi", gotPolicy.Spec.Datafile.PersistentVolumeClaim.InitCapacity.String())
	assert.Equal(t, "username", gotPolicy.Spec.Datafile.Target.Secret.UsernameKey)

	backup := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "b1"}, Spec: v1alpha1.BackupSpec{BackupPolicyName: "p"}}
	_, err = c.Backups(ns).Create(ctx, backup, metav1.CreateOptions{})
	require.NoError(t, err)
	select {
	case ev := <-w.ResultChan():
		require.Equal(t, watch.Added, ev.Type)
		require.Equal(t, "b1", ev.Object.(*v1alpha1.Backup).Name)
		assert.Equal(t, v1alpha1.BackupTypeDataFile, ev.Object.(*v1alpha1.Backup).Spec.BackupType)
	case <-time.After(30 * time.Second):
		t.Fatal("no watch event for the created Backup")
	}

	restore := &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Name: "r1"}, Spec: v1alpha1.RestoreJobSpec{
		BackupJobName: "b1", Target: policy.Spec.Datafile.Target,
		TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{}}}
	_, err = c.RestoreJobs(ns).Create(ctx, restore, metav1.CreateOptions{})
	require.NoError(t, err)

	backups, err := c.Backups(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, backups.Items, 1)
	restores, err := c.RestoreJobs(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, restores.Items, 1)
	policies, err := c.BackupPolicies(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Len(t, policies.Items, 1)
}

func TestServerRejectsInvalidEnumAndPattern(t *testing.T) {
	dp, ns := setup(t)
	ctx := context.Background()
	c := dp.DataprotectionV1alpha1()

	bad := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "bad-enum"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: "full"}}
	_, err := c.Backups(ns).Create(ctx, bad, metav1.CreateOptions{})
	require.True(t, apierrors.IsInvalid(err), "got %v", err)
	assert.Contains(t, err.Error(), "spec.backupType")

	for _, ttl := range []string{"7x", "d7", "7|d"} { // upstream's pattern refused these too
		policy := minimalPolicyObject("bad-ttl", "tool")
		policy.Spec.Retention = &v1alpha1.RetentionSpec{TTL: &ttl}
		_, err = c.BackupPolicies(ns).Create(ctx, policy, metav1.CreateOptions{})
		require.True(t, apierrors.IsInvalid(err), "%s: got %v", ttl, err)
		assert.Contains(t, err.Error(), "spec.retention.ttl")
	}

	badName := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "bad-policy-name"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "Not_A_Name", BackupType: v1alpha1.BackupTypeDataFile}}
	_, err = c.Backups(ns).Create(ctx, badName, metav1.CreateOptions{})
	require.True(t, apierrors.IsInvalid(err), "got %v", err)
	assert.Contains(t, err.Error(), "spec.backupPolicyName")
}

func TestStatusSubresourceIgnoresSpecAndMainResourceIgnoresStatus(t *testing.T) {
	dp, ns := setup(t)
	ctx := context.Background()
	c := dp.DataprotectionV1alpha1().Backups(ns)

	created, err := c.Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "b"},
		Spec:   v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeDataFile},
		Status: v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted}}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Empty(t, created.Status.Phase, "create ignores status")

	created.Status.Phase = v1alpha1.BackupInProgress
	created.Status.TotalSize = "1Gi"
	created.Spec.BackupPolicyName = "changed"
	updated, err := c.UpdateStatus(ctx, created, metav1.UpdateOptions{})
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.BackupInProgress, updated.Status.Phase)
	assert.Equal(t, "1Gi", updated.Status.TotalSize)
	assert.Equal(t, "p", updated.Spec.BackupPolicyName, "a status write ignores spec")

	stale := updated.DeepCopy()
	stale.ResourceVersion = created.ResourceVersion
	_, err = c.UpdateStatus(ctx, stale, metav1.UpdateOptions{})
	require.True(t, apierrors.IsConflict(err), "a stale resourceVersion conflicts: %v", err)
}

func TestPrinterColumnsOfKubectlGetBackups(t *testing.T) {
	dp, ns := setup(t)
	ctx := context.Background()
	_, err := dp.DataprotectionV1alpha1().Backups(ns).Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "b"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeSnapshot}}, metav1.CreateOptions{})
	require.NoError(t, err)

	table := &metav1.Table{}
	err = dp.DataprotectionV1alpha1().RESTClient().Get().Namespace(ns).Resource("backups").
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").Do(ctx).Into(table)
	require.NoError(t, err)
	var cols []string
	for _, c := range table.ColumnDefinitions {
		cols = append(cols, c.Name)
	}
	require.Equal(t, []string{"Name", "POLICY", "TYPE", "STATUS", "TOTAL-SIZE", "DURATION",
		"CREATION-TIME", "COMPLETION-TIME", "EXPIRATION"}, cols)
	require.Len(t, table.Rows, 1)
	assert.Equal(t, "b", table.Rows[0].Cells[0])
	assert.Equal(t, "p", table.Rows[0].Cells[1])
	assert.Equal(t, "snapshot", table.Rows[0].Cells[2])
}
