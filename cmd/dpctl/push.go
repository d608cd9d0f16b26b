package main

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newPushCmd)

func newPushCmd(a *app) *cobra.Command {
	var flags repoFlags
	var name string
	cmd := &cobra.Command{
		Use:   "push KEY [--name NAME]",
		Short: "Store standard input as a backup in a repository",
		Long: `Store standard input as the backup KEY: one object, NAME (default "data"), compressed (zstd),
encrypted to the recipients (age), checksummed (sha256), and the backup's manifest written last,
so that the backup exists only once it is complete. A backup already under KEY is replaced. On
success it prints what it committed as JSON: key, manifestSha256, objects, logicalSize,
storedSize. For tools that stream, such as "pg_dump | dpctl push ns/db/nightly".

` + repoLong,
		Example: `  pg_dump shop | dpctl push prod/shop/2026-11-25 --name shop.sql`,
		Args:    args(1, 1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, cfg *repourl.Config) error {
				return a.push(ctx, repo, cfg, args[0], name)
			})
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&name, "name", "data", "the object's name within the backup")
	return cmd
}

// push streams standard input into a one-object backup.
func (a *app) push(ctx context.Context, repo *repository.Repository, cfg *repourl.Config, key, name string) error {
	m := a.newMeter("push " + key)
	opts := cfg.Write
	opts.Progress = m.add
	w, err := repo.NewBackup(key, &opts)
	if err != nil {
		m.finish()
		return err
	}
	defer w.Close()
	_, err = w.Put(ctx, name, a.in, 0o600)
	var res repository.CommitResult
	if err == nil {
		res, err = w.Commit(ctx)
	}
	m.finish()
	if err != nil {
		return err
	}
	return json.NewEncoder(a.out).Encode(newCommitReport(key, res))
}
