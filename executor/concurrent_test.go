package executor_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestTwoEnginesOnOneStoreDoNotDoubleRunABackup(t *testing.T) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.ID[:2] == "b0" {
			return memdriver.Outcome{Polls: 2, Fail: true, Message: "first run fails"}
		}
		return memdriver.Outcome{Polls: 2}
	})
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Datafile.OnFailAttempted = 1 }))
	names := []string{"b0", "b1", "b2", "b3"}
	for _, n := range names {
		h.create(backup(n, v1alpha1.BackupTypeDataFile))
	}
	engines := []*executor.Executor{h.ex, h.newExecutor()}
	var wg sync.WaitGroup
	for _, e := range engines {
		wg.Go(func() {
			for range 60 {
				for _, n := range names {
					_, _ = e.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: n}) // conflicts are expected and retried
				}
			}
		})
	}
	wg.Wait()
	for _, n := range names {
		b := h.getBackup(n)
		require.True(t, b.Status.Phase.IsTerminal(), "%s is %s", n, b.Status.Phase)
	}
	for id, n := range h.driver.Executions() {
		assert.Equal(t, 1, n, "task %s ran once", id)
	}
	assert.Len(t, h.driver.Executions(), 5, "four backups, one of them retried once")
}
