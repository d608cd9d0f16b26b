package executor_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// kubeScenario is the shortened scenario for the real API server: no
// schedules (the server stamps creation times from its own clock), but a
// backup, a failed run retried, a restore and a deletion. It is killed at
// every point, as on the embedded stores: with the store's cached reads a
// run costs its writes, not a request per read.
var kubeScenario = scenario{stride: 1, steps: []func(w *world){
	func(w *world) {
		_, err := w.store.BackupTools().Create(w.ctx, tool())
		ignoreExists(err)
		_, err = w.store.BackupPolicies().Create(w.ctx, backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 1 }))
		ignoreExists(err)
		_, err = w.store.Backups().Create(w.ctx, backup("b1", v1alpha1.BackupTypeDataFile))
		ignoreExists(err)
		w.round()
	},
	func(w *world) {
		_, err := w.store.Backups().Create(w.ctx, backup("manual", v1alpha1.BackupTypeDataFile))
		ignoreExists(err)
		_, err = w.store.RestoreJobs().Create(w.ctx, restoreJob("restore", "b1"))
		ignoreExists(err)
		w.round()
	},
	func(w *world) {
		ignoreExists(w.store.Backups().Delete(w.ctx, ns, "manual", ""))
		w.round()
	},
}, check: func(t *testing.T, want endState) {
	all := strings.Join(want.objects, "\n")
	require.Contains(t, all, "backup b1 phase=Completed")
	require.Contains(t, all, "restore restore phase=Completed")
	require.NotContains(t, all, "backup manual ")
	require.Contains(t, strings.Join(want.executions, ","), "manual-UID-1-main")
}}

func TestCrashSafetyKubeStore(t *testing.T) {
	env := testenv.Require(t)
	ctx := context.Background()
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), nil))
	_, err = env.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
	runCrashHarness(t, func(t *testing.T) (store.Store, func(store.Store) store.Store) {
		st, err := kube.New(env.Config, kube.Options{})
		require.NoError(t, err)
		purge(t, st)
		return st, func(old store.Store) store.Store { // a restarted engine opens a new client
			require.NoError(t, old.Close())
			st, err := kube.New(env.Config, kube.Options{})
			require.NoError(t, err)
			return st
		}
	}, kubeScenario)
}

// purge empties the namespace (finalizers removed) so each run starts clean.
func purge(t *testing.T, st store.Store) {
	ctx := context.Background()
	bs, err := st.Backups().List(ctx, ns, labels.Everything())
	require.NoError(t, err)
	for _, b := range bs {
		if len(b.Finalizers) > 0 {
			b.Finalizers = nil
			_, err := st.Backups().Update(ctx, b)
			require.NoError(t, err)
		}
		if err := st.Backups().Delete(ctx, ns, b.Name, ""); err != nil && !drivers.IsNotFound(err) {
			require.NoError(t, err)
		}
	}
	rs, err := st.RestoreJobs().List(ctx, ns, labels.Everything())
	require.NoError(t, err)
	for _, r := range rs {
		require.NoError(t, st.RestoreJobs().Delete(ctx, ns, r.Name, ""))
	}
	ps, err := st.BackupPolicies().List(ctx, ns, labels.Everything())
	require.NoError(t, err)
	for _, p := range ps {
		require.NoError(t, st.BackupPolicies().Delete(ctx, ns, p.Name, ""))
	}
}

// TestLimitsHoldOnTheKubeStore runs the limits' stress test on the API
// server, through the store's caches: a second engine on a new client
// finishes after the first died.
func TestLimitsHoldOnTheKubeStore(t *testing.T) {
	env := testenv.Require(t)
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(context.Background(), ext.ApiextensionsV1(), nil))
	open := func() store.Store {
		st, err := kube.New(env.Config, kube.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	runLimitStress(t, env.NewNamespace(t), 60, open(), open)
}
