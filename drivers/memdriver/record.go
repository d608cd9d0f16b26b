package memdriver

import (
	"maps"
	"slices"

	"github.com/dpsdk/dataprotection/drivers"
)

// Executions returns how many times each task ID was executed: started
// without being adopted. An ID started again after its Cleanup counts
// twice.
func (d *Driver) Executions() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.executions)
}

// Started returns the tasks executed, in the order they started.
func (d *Driver) Started() []drivers.Task {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.started)
}

// Live returns the IDs of the tasks not cleaned up, sorted.
func (d *Driver) Live() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Keys(d.tasks))
}
