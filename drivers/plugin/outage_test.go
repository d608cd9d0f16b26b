package plugin

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Issue 16, item 3, through a real plugin subprocess: once its manager is
// closed, the policies that use it are Failed with the plugin's error, and
// a policy that uses only the job driver is validated all the same.
func TestAClosedPluginFailsOnlyThePoliciesThatUseIt(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", nil)
	require.NoError(t, m.Close())
	st := memory.New(memory.Options{})
	t.Cleanup(func() { _ = st.Close() })
	ex, err := executor.New(executor.Config{Store: st, Drivers: drivers.Registry{"job": memdriver.New(nil), "helper": d}})
	require.NoError(t, err)
	ctx := t.Context()
	for _, tool := range []*v1alpha1.BackupTool{
		{ObjectMeta: metav1.ObjectMeta{Name: "plain"}, Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{"true"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "mirror", Annotations: map[string]string{v1alpha1.AnnotationDriver: "helper"}},
			Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{"true"}}},
	} {
		_, err := st.BackupTools().Create(ctx, tool)
		require.NoError(t, err)
	}
	for name, tool := range map[string]string{"uses-job": "plain", "uses-plugin": "mirror"} {
		_, err := st.BackupPolicies().Create(ctx, &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{BackupToolName: tool,
				BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
					LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}},
				PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "data"}}}})
		require.NoError(t, err)
		res, err := ex.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: "ns", Name: name})
		require.NoError(t, err, "a driver's failure is no reconcile error")
		p, err := st.BackupPolicies().Get(ctx, "ns", name)
		require.NoError(t, err)
		if name == "uses-job" {
			assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)
			continue
		}
		t.Logf("uses-plugin: %s", p.Status.FailureReason)
		assert.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
		assert.Contains(t, p.Status.FailureReason, `selects the driver "helper", which is unavailable (retrying): `)
		assert.Contains(t, p.Status.FailureReason, "closed")
		assert.Positive(t, res.RequeueAfter)
	}
}
