package csi_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
)

func TestNotifyNamesTheTaskWhoseSnapshotBecameReady(t *testing.T) {
	f := setup(t)
	f.claims("data")
	d := newDriver(f, csi.Options{})
	t.Cleanup(func() { _ = d.Close() })
	notified := make(chan string, 100)
	require.NoError(t, d.Notify(t.Context(), func(id string) {
		select {
		case notified <- id:
		default:
		}
	}))
	task := f.backupTask("b1-main", f.owner("Backup", "b1"), "data")
	ctx := context.Background()
	require.NoError(t, d.Start(ctx, task))
	status(t, d, task.ID, drivers.Running)
	for len(notified) > 0 {
		<-notified
	}
	f.ready("b1", "1Gi")
	timeout := time.After(30 * time.Second)
	for got := ""; got != task.ID; {
		select {
		case got = <-notified:
		case <-timeout:
			t.Fatal("no notification of the task whose snapshot became ready")
		}
	}
	status(t, d, task.ID, drivers.Succeeded)
}

func TestNotifyIsUnimplementedWithDirectReads(t *testing.T) {
	f := setup(t)
	d := newDriver(f, csi.Options{DirectReads: true})
	requireCode(t, drivers.Unimplemented, d.Notify(t.Context(), func(string) {}))
	require.NoError(t, d.Close())
}
