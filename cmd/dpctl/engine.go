package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/apimachinery/pkg/runtime"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/store"
)

// pollInterval is how often dpctl's engine looks at a running task: a
// person is waiting.
const pollInterval = 250 * time.Millisecond

// Work runs an engine over the bolt file, with the local driver (for the
// deployKinds job and daemon) and the config's targets and secrets, until
// stop is called. While it runs, dpctl is the file's host: the engine does
// all the work that is due, not only the object a command waits for.
func (e *embeddedBackend) Work(ctx context.Context, onEvent func(event)) (context.Context, func(), error) {
	cfg, err := e.config("running the work of its objects")
	if err != nil {
		return nil, nil, err
	}
	d, err := newLocalDriver(cfg)
	if err != nil {
		return nil, nil, err
	}
	eng, err := dataprotection.New(dataprotection.Config{
		Store:   e.st,
		Drivers: drivers.Registry{"job": d, "daemon": d},
		Targets: cfg.targets(),
		Secrets: inspectorOf(cfg.secretSource),
		Events:  eventRecorder(onEvent),
		Logger:  e.a.logger(),
		Options: dataprotection.Options{PollInterval: pollInterval},
	})
	if err != nil {
		_ = d.Close()
		return nil, nil, err
	}
	workCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := eng.Run(workCtx)
		if err == nil {
			err = errors.New("it stopped")
		}
		cancel(fmt.Errorf("the embedded engine: %w", err))
	}()
	return workCtx, func() { cancel(nil); <-done; _ = d.Close() }, nil
}

// newLocalDriver makes the local driver of the config.
func newLocalDriver(cfg *config) (*local.Driver, error) {
	d, err := local.New(local.Options{Root: cfg.Storage.Root, StateDir: cfg.Storage.StateDir, Secrets: cfg.secretSource})
	if err != nil {
		return nil, fmt.Errorf("config: storage: %w", err)
	}
	return d, nil
}

// stateDir is where the local driver of cfg keeps its tasks.
func stateDir(cfg *config) string {
	if cfg.Storage.StateDir != "" {
		return cfg.Storage.StateDir
	}
	return filepath.Join(cfg.Storage.Root, local.DefaultStateDirName)
}

// inspectorOf returns the engine's secret inspector over src; nil (secrets
// not checked) without one.
func inspectorOf(src local.SecretSource) dataprotection.SecretInspector {
	if src == nil {
		return nil
	}
	return secretKeys{src}
}

// logger is the engine's logger: its lines on stderr with -v, else none.
func (a *app) logger() logr.Logger {
	if !a.verbose {
		return logr.Discard()
	}
	return funcr.New(func(prefix, args string) {
		fmt.Fprintln(a.errOut, "engine:", prefix, args)
	}, funcr.Options{})
}

// eventRecorder is a client-go EventRecorder that hands the engine's events
// to f.
type eventRecorder func(event)

// Event implements record.EventRecorder.
func (f eventRecorder) Event(obj runtime.Object, eventtype, reason, message string) {
	ref := fmt.Sprintf("%T", obj)
	if o, ok := obj.(store.Object); ok && kindOf(o) != nil {
		ref = kindOf(o).ref(o.GetNamespace(), o.GetName())
	}
	f(event{Object: ref, Type: eventtype, Reason: reason, Message: message, Count: 1, Last: time.Now()})
}

// Eventf implements record.EventRecorder.
func (f eventRecorder) Eventf(obj runtime.Object, eventtype, reason, format string, args ...any) {
	f.Event(obj, eventtype, reason, fmt.Sprintf(format, args...))
}

// AnnotatedEventf implements record.EventRecorder.
func (f eventRecorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, eventtype, reason, format string, args ...any) {
	f.Event(obj, eventtype, reason, fmt.Sprintf(format, args...))
}

// localLogs writes the output of obj's tasks that the local driver d keeps
// in dir, in the order they ran, through its drivers.LogReader: the tasks
// the engine recorded on obj, or, for an object that recorded none, those
// whose state directories are in dir.
func localLogs(ctx context.Context, w io.Writer, d *local.Driver, dir string, obj store.Object) error {
	if tasks := recordedTasks(obj); len(tasks) > 0 {
		if found, err := driverLogs(ctx, w, d, tasks); found || err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("task state directory: %w", err)
	}
	var tasks []taskRef
	for _, ent := range entries {
		if t, ok := parseTaskID(obj.GetName(), obj.GetUID(), ent.Name()); ok && ent.IsDir() {
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		return fmt.Errorf("no task output of %s in %s: its tasks have not run yet",
			kindOf(obj).ref(obj.GetNamespace(), obj.GetName()), dir)
	}
	sortTasks(tasks)
	for _, t := range tasks {
		out, err := d.Log(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("output of task %s: %w", t.ID, err)
		}
		if len(tasks) > 1 {
			fmt.Fprintf(w, "==> task %s <==\n", t.ID)
		}
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	return nil
}
