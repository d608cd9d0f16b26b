package dataprotection_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestNewRejectsAnIncompleteConfig(t *testing.T) {
	_, err := dataprotection.New(dataprotection.Config{})
	require.Error(t, err)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
	assert.Contains(t, err.Error(), "Config.Store is required")
	_, err = dataprotection.New(dataprotection.Config{Store: memory.New(memory.Options{})})
	assert.ErrorContains(t, err, "Config.Drivers")
}

func TestNewRejectsUnusableDrivers(t *testing.T) {
	st := memory.New(memory.Options{})
	defer st.Close()
	var failed *memdriver.Driver // what `d, _ := somedriver.New(...)` leaves when New fails
	tests := []struct {
		name string
		reg  drivers.Registry
		want string
	}{
		{"a nil driver", drivers.Registry{"job": nil}, `Config.Drivers: driver "job" is nil`},
		{"a nil pointer to a driver", drivers.Registry{"job": failed}, `Config.Drivers: driver "job" is nil`},
		{"a name that is not a DNS-1123 label", drivers.Registry{"Local Driver": memdriver.New(nil)},
			`Config.Drivers: "Local Driver" is not a valid driver name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := dataprotection.New(dataprotection.Config{Store: st, Drivers: tt.reg})
			require.Error(t, err)
			assert.Nil(t, e)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
			assert.Contains(t, err.Error(), "dataprotection: new engine: "+tt.want)
		})
	}
}

func TestErrorsAreWrappedOnceWithTheirCode(t *testing.T) {
	st := memory.New(memory.Options{})
	defer st.Close()
	e, err := dataprotection.New(dataprotection.Config{Store: st, Drivers: drivers.Registry{"job": memdriver.New(nil)}})
	require.NoError(t, err)
	_, err = st.BackupPolicies().Create(context.Background(), &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "p"}})
	require.NoError(t, err)
	require.NoError(t, st.Close()) // every store call now fails: Unavailable
	_, err = e.ReconcileBackupPolicy(context.Background(), types.NamespacedName{Namespace: "demo", Name: "p"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dataprotection: backuppolicy demo/p: ")
	var de *drivers.Error
	require.True(t, errors.As(err, &de), "errors.As finds the engine's *drivers.Error")
	assert.True(t, drivers.ErrorCode(err).Retryable(), "a closed store is a transient error: %v", err)
}

func TestRunDrivesABackupToCompletion(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := memory.New(memory.Options{})
	defer st.Close()
	drv := memdriver.New(func(*drivers.Task) memdriver.Outcome { return memdriver.Outcome{Polls: 2, TotalSize: 4096} })
	e, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{"job": drv},
		Targets: targets.Static{{Name: "pg-0", Host: "127.0.0.1", Labels: map[string]string{"app": "pg"}}},
		Options: dataprotection.Options{PollInterval: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()

	_, err = st.BackupTools().Create(ctx, &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tool"},
		Spec: v1alpha1.BackupToolSpec{Image: "x", BackupCommands: []string{"true"}}})
	require.NoError(t, err)
	_, err = st.BackupPolicies().Create(ctx, &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "p"},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}}}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "data"}, BackupToolName: "tool"}}})
	require.NoError(t, err)
	_, err = st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p"}})
	require.NoError(t, err)

	var b *v1alpha1.Backup
	require.Eventually(t, func() bool {
		b, err = st.Backups().Get(ctx, "demo", "b1")
		return err == nil && b.Status.Phase.IsTerminal()
	}, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "4096", b.Status.TotalSize)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
