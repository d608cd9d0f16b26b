package local

import (
	"context"
	"maps"
	"path/filepath"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/targets"
)

// EnvDataDir is the variable through which a local target gives its tasks
// its data directory.
const EnvDataDir = "DATA_DIR"

// Target is a database instance on this machine, which a BackupPolicy's
// labelsSelector selects by its labels.
type Target struct {
	// Name identifies the target (as a pod's name would).
	Name string
	// Labels are matched by labelsSelectors.
	Labels map[string]string
	// Host is how tools reach the database: DB_HOST. Default "127.0.0.1".
	Host string
	// Env is extra environment the target gives its tasks, such as PGPORT.
	Env map[string]string
	// DataDir is the database's data directory; tasks get it as DATA_DIR
	// unless Env sets DATA_DIR. A relative DataDir is relative to the
	// working directory of the host process: Resolved makes it absolute,
	// since tasks run in directories of their own.
	DataDir string
}

// Resolved returns the target as the engine sees it, with DataDir made
// absolute.
func (t Target) Resolved() drivers.Target {
	if t.DataDir != "" && !filepath.IsAbs(t.DataDir) {
		if abs, err := filepath.Abs(t.DataDir); err == nil {
			t.DataDir = abs
		}
	}
	host := t.Host
	if host == "" {
		host = "127.0.0.1"
	}
	env := maps.Clone(t.Env)
	if t.DataDir != "" {
		if env == nil {
			env = map[string]string{}
		}
		if _, ok := env[EnvDataDir]; !ok {
			env[EnvDataDir] = t.DataDir
		}
	}
	return drivers.Target{Name: t.Name, Host: host, Labels: maps.Clone(t.Labels), Env: env, DataDir: t.DataDir}
}

// Targets is a targets.Resolver over local targets: the engine's
// Targets when it runs without a cluster. Local targets belong to every
// namespace.
type Targets []Target

// Targets implements targets.Resolver: the targets whose labels match
// selector, sorted by name.
func (ts Targets) Targets(ctx context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error) {
	static := make(targets.Static, len(ts))
	for i, t := range ts {
		static[i] = t.Resolved()
	}
	return static.Targets(ctx, namespace, selector)
}
