package memdriver_test

import (
	"context"
	"fmt"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A script decides how each task ends; here backups run for one poll and
// restores fail. A test registers the driver in the engine's Config.Drivers
// and checks what the engine started.
func Example() {
	d := memdriver.New(func(t *drivers.Task) memdriver.Outcome {
		if t.Kind == drivers.KindRestore {
			return memdriver.Outcome{Fail: true, Message: "disk full", Code: drivers.ResourceExhausted}
		}
		return memdriver.Outcome{Polls: 1, TotalSize: 2048}
	})
	ctx := context.Background()
	storage := &drivers.Storage{ClaimName: "backups", Path: "demo/b1"}
	backup := &drivers.Task{ID: "b1-0-main", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile, Storage: storage}
	restore := &drivers.Task{ID: "r1-0-main", Kind: drivers.KindRestore, BackupType: v1alpha1.BackupTypeDataFile, Storage: storage}
	for _, t := range []*drivers.Task{backup, backup, restore} { // the second Start adopts the first
		if err := d.Start(ctx, t); err != nil {
			fmt.Println(err)
		}
	}
	for range 2 {
		st, _ := d.Status(ctx, backup.ID)
		fmt.Println(st.Phase, st.TotalSize)
	}
	st, _ := d.Status(ctx, restore.ID)
	fmt.Println(st.Phase, st.ErrorCode, st.Message)
	fmt.Println(d.Executions())
	// Output:
	// Running 0
	// Succeeded 2048
	// Failed ResourceExhausted disk full
	// map[b1-0-main:1 r1-0-main:1]
}
