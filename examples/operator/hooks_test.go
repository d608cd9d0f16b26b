package main

import (
	"slices"
	"testing"

	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// --hooks gives the Job driver and the CSI driver one pod executor, so
// that both run hooks and backupStatusUpdates; without it neither declares
// those task kinds (and policies that need them are Failed). Running a
// hook needs a kubelet to exec into, which the tests do not have: this
// checks the wiring, drivers/csi and drivers/job test the hooks themselves.
func TestHooksFlagGivesBothDriversExecTasks(t *testing.T) {
	w := newWorld(t)
	for _, hooks := range []bool{false, true} {
		registry, err := newDrivers(w.env.Config, w.env.Client, Options{Hooks: hooks, Logger: testr.New(t)})
		require.NoError(t, err)
		for _, d := range registry {
			if c, ok := d.(interface{ Close() error }); ok {
				t.Cleanup(func() { _ = c.Close() })
			}
		}
		for _, name := range []string{drivers.NameJob, drivers.NameDaemon, drivers.NameSnapshot} {
			d, ok := registry[name]
			require.True(t, ok, "%s is registered (the VolumeSnapshot API is served)", name)
			caps, err := d.Capabilities(w.ctx)
			require.NoError(t, err)
			for _, k := range []drivers.TaskKind{drivers.KindHook, drivers.KindStatusUpdate} {
				assert.Equal(t, hooks, slices.Contains(caps.Kinds, k), "%s runs %s tasks with --hooks=%v", name, k, hooks)
			}
			assert.True(t, slices.Contains(caps.Kinds, drivers.KindBackup), "%s runs backups either way", name)
		}
	}
}
