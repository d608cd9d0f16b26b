package executor_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store/kube"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

// TestLeaderElectionHandsOverOnTheKubeStore runs two engines with one lease
// on the real API server: the first leads and runs a backup; when it stops,
// the second takes the lease over and runs the next one.
func TestLeaderElectionHandsOverOnTheKubeStore(t *testing.T) {
	env := testenv.Require(t)
	ctx := context.Background()
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), nil))
	ns := env.NewNamespace(t)
	st, err := kube.New(env.Config, kube.Options{})
	require.NoError(t, err)
	defer st.Close()
	drv := memdriver.New(nil)

	start := func(identity string) (context.CancelFunc, <-chan error) {
		lock := &resourcelock.LeaseLock{LeaseMeta: metav1.ObjectMeta{Namespace: ns, Name: "dataprotection"},
			Client: env.Client.CoordinationV1(), LockConfig: resourcelock.ResourceLockConfig{Identity: identity}}
		// A slow renewal under load is not a handover; the lease is
		// released on stop, so the handover is quick all the same.
		e, err := dataprotection.New(dataprotection.Config{Store: st, Drivers: drivers.Registry{"job": drv},
			Targets: targets.Static{{Name: "pg-0", Labels: map[string]string{"app": "pg"}}},
			Options: dataprotection.Options{PollInterval: 50 * time.Millisecond},
			LeaderElection: &dataprotection.LeaderElection{Lock: lock, LeaseDuration: 15 * time.Second,
				RenewDeadline: 10 * time.Second, RetryPeriod: 200 * time.Millisecond}})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		return cancel, done
	}
	holder := func() string {
		l, err := env.Client.CoordinationV1().Leases(ns).Get(ctx, "dataprotection", metav1.GetOptions{})
		if err != nil || l.Spec.HolderIdentity == nil {
			return ""
		}
		return *l.Spec.HolderIdentity
	}
	completes := func(name string) {
		_, err := st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: v1alpha1.BackupSpec{BackupPolicyName: "p"}})
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			b, err := st.Backups().Get(ctx, ns, name)
			return err == nil && b.Status.Phase == v1alpha1.BackupCompleted
		}, 60*time.Second, 50*time.Millisecond, "backup %s completes", name)
	}

	_, err = st.BackupTools().Create(ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool-" + ns},
		Spec: v1alpha1.BackupToolSpec{Image: "x", BackupCommands: []string{"true"}}})
	require.NoError(t, err)
	_, err = st.BackupPolicies().Create(ctx, &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "p"},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}}}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "data"}, BackupToolName: "tool-" + ns}}})
	require.NoError(t, err)

	stopA, doneA := start("engine-a")
	require.Eventually(t, func() bool { return holder() == "engine-a" }, 30*time.Second, 50*time.Millisecond)
	stopB, doneB := start("engine-b")
	defer stopB()
	completes("b1")
	require.Equal(t, "engine-a", holder(), "the first engine keeps the lease while it runs")

	stopA()
	require.NoError(t, <-doneA)
	require.Eventually(t, func() bool { return holder() == "engine-b" }, 30*time.Second, 50*time.Millisecond)
	completes("b2")
	stopB()
	require.NoError(t, <-doneB)
}
