package bench

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// instantDriver is a driver whose tasks succeed at once: Status of a
// started task reports Succeeded with one 1 KiB artifact. It keeps only the
// IDs of its tasks (drivers/memdriver keeps every task and would weigh on
// the RSS being measured). Safe for concurrent use.
type instantDriver struct {
	mu    sync.Mutex
	tasks map[string]time.Time
}

func newInstantDriver() *instantDriver { return &instantDriver{tasks: map[string]time.Time{}} }

// registry registers the driver under the three default names.
func (d *instantDriver) registry() drivers.Registry {
	return drivers.Registry{drivers.NameJob: d, drivers.NameDaemon: d, drivers.NameSnapshot: d}
}

func (d *instantDriver) Capabilities(context.Context) (drivers.Capabilities, error) {
	return drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: v1alpha1.BackupTypes}, nil
}

func (d *instantDriver) Start(ctx context.Context, t *drivers.Task) error {
	if err := ctx.Err(); err != nil {
		return drivers.WithCode(drivers.Canceled, err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.tasks[t.ID]; !ok {
		d.tasks[t.ID] = time.Now()
	}
	return nil
}

func (d *instantDriver) Status(_ context.Context, id string) (*drivers.TaskStatus, error) {
	d.mu.Lock()
	started, ok := d.tasks[id]
	d.mu.Unlock()
	if !ok {
		return nil, drivers.Errorf(drivers.NotFound, "task %q not found", id)
	}
	return &drivers.TaskStatus{ID: id, Phase: drivers.Succeeded, StartTime: started, CompletionTime: started,
		TotalSize: 1024, Artifacts: []drivers.Artifact{{Path: "data", Size: 1024, Checksum: "sha256:00"}}}, nil
}

func (d *instantDriver) Cancel(context.Context, string) error { return nil }

func (d *instantDriver) Cleanup(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.tasks, id)
	return nil
}
