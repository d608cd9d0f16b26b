package executor_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivermock"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// mockHarness runs the executor over a go.uber.org/mock driver.
func mockHarness(t *testing.T) (*harness, *drivermock.MockDriver) {
	h := newHarness(t, nil)
	m := drivermock.NewMockDriver(gomock.NewController(t))
	m.EXPECT().Capabilities(gomock.Any()).Return(drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}, nil).AnyTimes()
	h.ex = newEngine(executor.Config{Store: h.store, Drivers: drivers.Registry{"job": m, "snapshot": m},
		Targets: targets.Static{{Name: "pg-0", Labels: map[string]string{"app": "pg"}}}, Clock: h.clock, Events: h.events})
	return h, m
}

func TestRetryableStartErrorIsRetriedNotFailed(t *testing.T) {
	h, m := mockHarness(t)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })

	m.EXPECT().Status(gomock.Any(), gomock.Any()).Return(nil, drivers.Errorf(drivers.NotFound, "unknown task"))
	m.EXPECT().Start(gomock.Any(), gomock.Any()).Return(drivers.Errorf(drivers.Unavailable, "backend down"))
	_, err := h.ex.ReconcileBackup(context.Background(), types.NamespacedName{Namespace: ns, Name: "b1"})
	require.Error(t, err, "a transient error is returned so the loop retries with backoff")
	assert.Equal(t, drivers.Unavailable, drivers.ErrorCode(err))
	assert.Equal(t, v1alpha1.BackupInProgress, h.getBackup("b1").Status.Phase)
}

func TestTerminalStartErrorFailsTheBackup(t *testing.T) {
	h, m := mockHarness(t)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })

	m.EXPECT().Status(gomock.Any(), gomock.Any()).Return(nil, drivers.Errorf(drivers.NotFound, "unknown task"))
	m.EXPECT().Start(gomock.Any(), gomock.Any()).Return(drivers.Errorf(drivers.InvalidArgument, "image is required"))
	_, err := h.ex.ReconcileBackup(context.Background(), types.NamespacedName{Namespace: ns, Name: "b1"})
	require.NoError(t, err)
	b := h.getBackup("b1")
	assert.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, "image is required")
}

func TestStatusErrorOtherThanNotFoundIsTransient(t *testing.T) {
	h, m := mockHarness(t)
	h.setup(backupPolicy())
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	h.runBackup("b1", 10, func(b *v1alpha1.Backup) bool { return b.Status.Phase == v1alpha1.BackupInProgress })

	m.EXPECT().Status(gomock.Any(), gomock.Any()).Return(nil, drivers.Errorf(drivers.PermissionDenied, "forbidden"))
	_, err := h.ex.ReconcileBackup(context.Background(), types.NamespacedName{Namespace: ns, Name: "b1"})
	require.Error(t, err)
	assert.Equal(t, v1alpha1.BackupInProgress, h.getBackup("b1").Status.Phase, "nothing is decided on a failed read")
}
