package local

import (
	"context"
	"os"
	"path"
	"path/filepath"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

// dirStaging is the directory of a task's state directory that stands for
// its staging volume (Storage.MountPath) when it has a Repository.
const dirStaging = "staging"

// staged reports whether the task stages its data for a repository.
func staged(t *drivers.Task) bool {
	return t.Repository != nil && t.Storage != nil && t.Storage.ClaimName == ""
}

// stagingPlace is the placement of a staged task: its mount path stands
// for <task state directory>/staging.
func (d *Driver) stagingPlace(t *drivers.Task) placement {
	rel := path.Clean("/" + t.Storage.Path)[1:]
	claim := filepath.Join(d.taskDir(t.ID), dirStaging)
	return placement{mount: path.Clean(t.Storage.MountPath), claim: claim, rel: rel,
		dir: filepath.Join(claim, filepath.FromSlash(rel))}
}

// repoClient is a task's repository, open for one transfer.
type repoClient struct {
	repo  *repository.Repository
	write repository.WriteOptions
	read  repository.ReadOptions
	owned bool // opened here: closed by close
}

func (c *repoClient) close() {
	if c.owned {
		_ = c.repo.Close()
	}
}

// openRepository opens the repository of task t. Its client environment
// (drivers.Repository.ClientEnv: URL, recipients, credentials, the
// identity) resolves as the task's own does, secrets from Options.Secrets
// in the owner's namespace, and configures it as package repourl says;
// the host's handle registered under its name (Options.Repositories)
// replaces what the URL would open. Errors never hold a resolved value.
func (d *Driver) openRepository(ctx context.Context, t *drivers.Task) (*repoClient, error) {
	r := &envvar.Resolver{Sources: sources{d: d, namespace: t.Owner.Namespace}}
	env, err := r.Resolve(ctx, t.Repository.ClientEnv(), nil)
	if err != nil {
		return nil, err
	}
	getenv := func(k string) string { v, _ := env.Lookup(k); return v }
	cfg, err := repourl.Parse(t.Repository.URL, getenv)
	if err != nil {
		return nil, err
	}
	c := &repoClient{write: cfg.Write, read: cfg.Read}
	if h := d.opts.Repositories[t.Repository.Name]; h != nil {
		c.repo = h
		return c, nil
	}
	if c.repo, err = cfg.Open(); err != nil {
		return nil, err
	}
	c.owned = true
	return c, nil
}

// makeStaging creates, in the task directory dir being built, the staging
// directory of a staged task and, for a backup, its BACKUP_DIR.
func makeStaging(dir string, t *drivers.Task) error {
	if !staged(t) {
		return nil
	}
	staging := filepath.Join(dir, dirStaging)
	if err := os.Mkdir(staging, 0o700); err != nil {
		return err
	}
	if t.Kind != drivers.KindBackup {
		return nil
	}
	return os.MkdirAll(filepath.Join(staging, filepath.FromSlash(path.Clean("/" + t.Storage.Path)[1:])), 0o700)
}
