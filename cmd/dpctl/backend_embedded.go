package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/bolt"
)

// lockWait is how long dpctl waits for the bolt file's lock before it says
// who holds it.
const lockWait = time.Second

// embeddedBackend is a bolt file. Nothing else runs the work of its
// objects while dpctl holds the file, so Work runs an engine in dpctl
// (engine.go) with the local driver and the targets of the config file.
type embeddedBackend struct {
	a    *app
	path string
	st   *bolt.Store
	cfg  *config // loaded on first use
}

// openEmbedded opens the bolt file at path. A missing file is created only
// when o.create is set: a mistyped path must not look like an empty store.
func openEmbedded(a *app, path string, o openOptions) (*embeddedBackend, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !o.create {
		return nil, fmt.Errorf("database file %s does not exist (dpctl apply and create make it)", path)
	}
	st, err := bolt.New(path, bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolt.ErrLocked) {
		return nil, fmt.Errorf("database file %s is in use by another process (a host running the engine, or another dpctl) "+
			"and one process at a time can open it: stop that host, or use its own interface; dpctl waited %s", path, lockWait)
	}
	if err != nil {
		return nil, err
	}
	return &embeddedBackend{a: a, path: path, st: st}, nil
}

// Store is the bolt store.
func (e *embeddedBackend) Store() store.Store { return e.st }

// Namespace is "default", as in a cluster without a context namespace.
func (e *embeddedBackend) Namespace() string { return "default" }

// Close releases the file.
func (e *embeddedBackend) Close() error { return e.st.Close() }

// Events: the embedded store keeps no events; the engine's events are
// printed while dpctl waits.
func (e *embeddedBackend) Events(context.Context, store.Object) ([]event, bool, error) {
	return nil, false, nil
}

// config loads the config file the flags name, once; what names the
// command that needs it.
func (e *embeddedBackend) config(what string) (*config, error) {
	if e.cfg != nil {
		return e.cfg, nil
	}
	path := e.a.configPath()
	if path == "" {
		return nil, fmt.Errorf("%s with a bolt file needs --config FILE (or %s): the local targets, the storage root "+
			"and the secrets (see \"dpctl help config\")", what, envConfig)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	e.cfg = cfg
	return cfg, nil
}

// CheckWork loads the config file that Work needs.
func (e *embeddedBackend) CheckWork(what string) error {
	_, err := e.config(what)
	return err
}

// Logs writes the output of obj's tasks, which the local driver keeps in
// its state directory.
func (e *embeddedBackend) Logs(ctx context.Context, w io.Writer, obj store.Object) error {
	cfg, err := e.config("logs")
	if err != nil {
		return err
	}
	d, err := newLocalDriver(cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	return localLogs(ctx, w, d, stateDir(cfg), obj)
}
