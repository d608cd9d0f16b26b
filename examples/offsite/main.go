// Command offsite is the quickstart's flow with the backup leaving the
// database's directory: each backup goes to a repository (repository/fs, a
// directory that stands for object storage: s3:// works the same way),
// compressed with zstd and encrypted with age to a recipient whose identity
// only restores get. It then verifies the stored backup and restores from
// the repository. No cluster, no network, no database: the "database" is a
// directory of files, archived with tar.
//
//	go run ./examples/offsite            # work in a temporary directory
//	go run ./examples/offsite -dir ./dp  # keep store, repository and key in ./dp
//
// In -dir it keeps the bolt store (dataprotection.db), the repository
// (repository/), and the age identity (age-identity.txt, mode 0600,
// generated on the first run as age-keygen would): the backups of every
// run stay restorable with it. Each run makes a new Backup and RestoreJob.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
	"time"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/store/bolt"
)

// repoName is the name the policy chooses the repository by.
const repoName = "offsite"

func main() {
	dir := flag.String("dir", "", "working directory (default: a new temporary directory)")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(*dir, *timeout); err != nil {
		log.Fatalf("offsite: %v", err)
	}
}

func run(dir string, timeout time.Duration) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dataprotection-offsite-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	dir, err := filepath.Abs(dir) // the repository's file:// URL needs an absolute path
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	now := time.Now()
	source, restored := filepath.Join(dir, "db"), filepath.Join(dir, "db-restored")
	if err := makeDatabase(source, now); err != nil {
		return err
	}
	idFile := filepath.Join(dir, "age-identity.txt")
	identity, recipient, err := loadOrCreateIdentity(idFile)
	if err != nil {
		return err
	}
	backend, err := fs.Open(filepath.Join(dir, "repository"))
	if err != nil {
		return err
	}
	repo := repository.New(backend, repoName)
	defer repo.Close()

	st, err := bolt.New(filepath.Join(dir, "dataprotection.db"), bolt.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	driver, err := local.New(local.Options{Root: filepath.Join(dir, "work"),
		Secrets:      local.SecretMap{"db-credentials": {"username": "admin", "password": "s3cret"}},
		Repositories: map[string]*repository.Repository{repoName: repo}})
	if err != nil {
		return err
	}
	engine, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{drivers.NameJob: driver},
		Targets: local.Targets{
			{Name: "db-0", Labels: map[string]string{"app": "db"}, DataDir: source},
			{Name: "db-restored-0", Labels: map[string]string{"app": "db-restored"}, DataDir: restored},
		},
		Repositories: map[string]dataprotection.Repository{repoName: {
			Repository:   repo,
			URL:          "file://" + filepath.ToSlash(backend.Dir()) + "?compression=zstd",
			Recipients:   []string{recipient}, // backups are encrypted to it: the writer cannot read them back
			IdentityFile: idFile,              // restores decrypt with it
		}},
		Options: dataprotection.Options{PollInterval: 100 * time.Millisecond},
	})
	if err != nil {
		return err
	}
	go func() { _ = engine.Run(ctx) }()
	return backupVerifyRestore(ctx, st, repo, identity, runName(now), source, restored)
}
