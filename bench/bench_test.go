package bench

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/retention"
)

// BenchmarkRetentionPlan is figure 3 as a go test benchmark: Plan over
// 10,000 and 100,000 Backups of 1,000 policies, with incremental chains.
func BenchmarkRetentionPlan(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		backups, policies := RetentionData(n, 1_000)
		b.Run(fmt.Sprintf("backups=%d/policies=1000", n), func(b *testing.B) {
			b.ReportAllocs()
			var deletions int
			for b.Loop() {
				deletions = len(retention.Plan(backups, policies, retentionNow))
			}
			b.ReportMetric(float64(deletions), "deletions")
		})
	}
}

// BenchmarkSchedulerTick measures one scheduler tick in steady state: a
// ReconcileBackupPolicy that creates the three Backups of a due slot, in a
// namespace of 10 or 100 such policies, each with its full history (21
// Completed Backups). The Backups created are deleted outside the timing.
func BenchmarkSchedulerTick(b *testing.B) {
	for _, policies := range []int{10, 100} {
		b.Run(fmt.Sprintf("policies=%d", policies), func(b *testing.B) {
			ctx := context.Background()
			tick, err := NewTick(ctx, policies)
			require.NoError(b, err)
			defer tick.Store.Close()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := tick.Reconcile(ctx, i%policies); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := tick.Undo(ctx, i%policies); err != nil {
					b.Fatal(err)
				}
				i++
				b.StartTimer()
			}
		})
	}
}

// BenchmarkPluginStartStatus is figure 6 as a go test benchmark: Start+Status
// of the instant driver called directly, through the plugin wire in
// process, and in a plugin subprocess (this test binary, serving).
func BenchmarkPluginStartStatus(b *testing.B) {
	exe, err := os.Executable()
	require.NoError(b, err)
	for _, mode := range []string{PluginDirect, PluginWire, PluginSubprocess} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			d, release, err := PluginDriver(ctx, mode, exe)
			require.NoError(b, err)
			defer release()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if err := StartStatus(ctx, d, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
