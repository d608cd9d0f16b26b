// Command quickstart backs up a directory and restores it elsewhere with the
// embedded default: the bolt store, the local driver and local targets. It
// needs no cluster and no database: the "database" is a directory of files,
// and the BackupTool archives it with tar.
//
//	go run ./examples/quickstart            # work in a temporary directory
//	go run ./examples/quickstart -dir ./dp  # keep the store and backups in ./dp
//
// Each run makes a new Backup and a new RestoreJob (named after the time of
// the run), so it can run any number of times over the same -dir; the bolt
// file in it then lists every run's backup.
//
// The first run compiles about 830 packages, most of them client-go and the
// Kubernetes API types the engine is written against: about three minutes
// on 2 cores with an empty build cache, about a second afterwards.
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
	"github.com/dpsdk/dataprotection/store/bolt"
)

func main() {
	dir := flag.String("dir", "", "working directory (default: a new temporary directory)")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(*dir, *timeout); err != nil {
		log.Fatalf("quickstart: %v", err)
	}
}

func run(dir string, timeout time.Duration) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dataprotection-quickstart-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	now := time.Now()
	source, restored := filepath.Join(dir, "db"), filepath.Join(dir, "db-restored")
	if err := makeDatabase(source, now); err != nil {
		return err
	}
	st, err := bolt.New(filepath.Join(dir, "dataprotection.db"), bolt.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	driver, err := local.New(local.Options{Root: filepath.Join(dir, "backups"),
		Secrets: local.SecretMap{"db-credentials": {"username": "admin", "password": "s3cret"}}})
	if err != nil {
		return err
	}
	engine, err := dataprotection.New(dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{"job": driver},
		Targets: local.Targets{
			{Name: "db-0", Labels: map[string]string{"app": "db"}, DataDir: source},
			{Name: "db-restored-0", Labels: map[string]string{"app": "db-restored"}, DataDir: restored},
		},
		Options: dataprotection.Options{PollInterval: 100 * time.Millisecond},
	})
	if err != nil {
		return err
	}
	go func() { _ = engine.Run(ctx) }()
	return backupAndRestore(ctx, st, runName(now), source, restored)
}
