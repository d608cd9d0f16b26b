package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store"
)

// recordedTasks returns the tasks the engine recorded on obj (the
// annotation tasks) that are obj's own (parseTaskID: a copied annotation
// names nothing), in the order they ran.
func recordedTasks(obj store.Object) []taskRef {
	var out []taskRef
	for _, r := range executor.TaskRecords(obj) {
		if t, ok := parseTaskID(obj.GetName(), obj.GetUID(), r.ID); ok {
			out = append(out, t)
		}
	}
	sortTasks(out)
	return out
}

// driverLogs writes the output of tasks through the driver's
// drivers.LogReader, with a header per task when there are several. Tasks
// the driver no longer knows (cleaned up, never started) are left out;
// found is false when it knows none of them, and nothing is written.
func driverLogs(ctx context.Context, w io.Writer, lr drivers.LogReader, tasks []taskRef) (found bool, err error) {
	type output struct {
		id string
		rc io.ReadCloser
	}
	var outs []output
	defer func() {
		for _, o := range outs {
			_ = o.rc.Close()
		}
	}()
	for _, t := range tasks {
		rc, err := lr.Logs(ctx, t.ID)
		if drivers.IsNotFound(err) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("output of task %s: %w", t.ID, err)
		}
		outs = append(outs, output{t.ID, rc})
	}
	for _, o := range outs {
		if len(outs) > 1 {
			fmt.Fprintf(w, "==> task %s <==\n", o.id)
		}
		if _, err := io.Copy(w, o.rc); err != nil {
			return true, fmt.Errorf("output of task %s: %w", o.id, err)
		}
	}
	return len(outs) > 0, nil
}
