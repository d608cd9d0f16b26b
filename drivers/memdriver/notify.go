package memdriver

import (
	"context"

	"github.com/dpsdk/dataprotection/drivers"
)

// Notify registers fn until ctx ends (see drivers.Notifier) when Notifies
// is set, and fails with Unimplemented otherwise.
func (d *Driver) Notify(ctx context.Context, fn func(taskID string)) error {
	if !d.Notifies {
		return drivers.Errorf(drivers.Unimplemented, "memdriver: Notifies is not set")
	}
	d.listeners.Add(ctx, fn)
	return nil
}

// Release lets a Held task finish: it then follows its outcome's Polls.
// Subscribers are notified. An unknown ID does nothing.
func (d *Driver) Release(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.tasks[id]; ok && t.outcome.Held {
		t.outcome.Held = false
		d.listeners.Notify(id)
	}
}
