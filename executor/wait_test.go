package executor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

// waitResult is what a Wait returned.
type waitResult struct {
	obj runtime.Object
	err error
}

// testWait runs Wait on a Backup and a RestoreJob of namespace in st while
// the test reconciles them: each Wait returns the object once it is final,
// and not before.
func testWait(t *testing.T, h *harness, st store.Store, namespace string) {
	ctx := context.Background()
	cfg := h.config()
	cfg.Store = st
	ex := newEngine(cfg)
	_, err := st.BackupTools().Create(ctx, tool())
	if drivers.ErrorCode(err) != drivers.AlreadyExists {
		require.NoError(t, err)
	}
	p := backupPolicy()
	p.Namespace = namespace
	_, err = st.BackupPolicies().Create(ctx, p)
	require.NoError(t, err)
	_, err = ex.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: namespace, Name: "pg"})
	require.NoError(t, err)
	b := backup("b1", v1alpha1.BackupTypeDataFile)
	b.Namespace = namespace
	_, err = st.Backups().Create(ctx, b)
	require.NoError(t, err)

	key := types.NamespacedName{Namespace: namespace, Name: "b1"}
	got := make(chan waitResult, 1)
	go func() {
		obj, err := ex.Wait(ctx, executor.Request{Kind: executor.KindBackup, Key: key})
		got <- waitResult{obj, err}
	}()
	var res waitResult
	for res.obj == nil && res.err == nil {
		select {
		case res = <-got:
			continue
		default:
		}
		r, err := ex.ReconcileBackup(ctx, key)
		require.NoError(t, err)
		cur, err := st.Backups().Get(ctx, namespace, "b1")
		require.NoError(t, err)
		if cur.Status.Phase.IsTerminal() {
			res = <-got // the watch delivers the final write
			break
		}
		h.step(r)
	}
	require.NoError(t, res.err)
	done, ok := res.obj.(*v1alpha1.Backup)
	require.True(t, ok, "%T", res.obj)
	assert.Equal(t, v1alpha1.BackupCompleted, done.Status.Phase, done.Status.FailureReason)

	again, err := ex.Wait(ctx, executor.Request{Kind: executor.KindBackup, Key: key})
	require.NoError(t, err, "a final object is returned at once")
	assert.Equal(t, v1alpha1.BackupCompleted, again.(*v1alpha1.Backup).Status.Phase)

	r := restoreJob("r1", "b1")
	r.Namespace = namespace
	_, err = st.RestoreJobs().Create(ctx, r)
	require.NoError(t, err)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = ex.Wait(canceled, executor.Request{Kind: executor.KindRestoreJob, Key: types.NamespacedName{Namespace: namespace, Name: "r1"}})
	assert.ErrorIs(t, err, context.Canceled, "ctx ends the wait of a RestoreJob that is not final")

	_, err = ex.Wait(ctx, executor.Request{Kind: executor.KindBackup, Key: types.NamespacedName{Namespace: namespace, Name: "nope"}})
	assert.True(t, drivers.IsNotFound(err), "%v", err)
	_, err = ex.Wait(ctx, executor.Request{Kind: executor.KindBackupPolicy, Key: types.NamespacedName{Namespace: namespace, Name: "pg"}})
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
}

func TestWaitFollowsTheMemoryStore(t *testing.T) {
	h := newHarness(t, nil)
	testWait(t, h, h.store, ns)
}

func TestWaitFollowsTheKubeStore(t *testing.T) {
	env := testenv.Require(t)
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(context.Background(), ext.ApiextensionsV1(), nil))
	st, err := kube.New(env.Config, kube.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	testWait(t, newHarness(t, nil), st, env.NewNamespace(t))
}
