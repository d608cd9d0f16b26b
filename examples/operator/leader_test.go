//go:build unix

package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

// TestRunReturnsAnErrorWhenTheLeaseIsTakenOver makes another holder take
// the Lease over: Run stops its loop and returns errLostLease, so that the
// process exits and restarts as a follower.
func TestRunReturnsAnErrorWhenTheLeaseIsTakenOver(t *testing.T) {
	env := testenv.Require(t)
	ctx := context.Background()
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(ctx, ext.ApiextensionsV1(), nil))
	ns := env.NewNamespace(t)
	leases := env.Client.CoordinationV1().Leases(ns)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(runCtx, env.Config, Options{LeaseNamespace: ns, Identity: "replica-a",
			LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 100 * time.Millisecond})
	}()
	eventually(t, "replica-a leads", func() bool {
		l, err := leases.Get(ctx, "dataprotection", metav1.GetOptions{})
		return err == nil && ptr.Deref(l.Spec.HolderIdentity, "") == "replica-a"
	})

	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		l, err := leases.Get(ctx, "dataprotection", metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.NewMicroTime(time.Now())
		l.Spec.HolderIdentity, l.Spec.LeaseDurationSeconds, l.Spec.RenewTime = ptr.To("intruder"), ptr.To[int32](60), &now
		_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		return err
	})
	require.NoError(t, err)
	select {
	case err := <-done:
		require.ErrorIs(t, err, errLostLease)
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30s of losing its lease")
	}
}
