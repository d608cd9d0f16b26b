package main

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newPushDirCmd)

func newPushDirCmd(a *app) *cobra.Command {
	var flags repoFlags
	var result string
	cmd := &cobra.Command{
		Use:   "push-dir KEY DIR [--result FILE]",
		Short: "Store a directory as a backup in a repository",
		Long: `Store the directory tree DIR (a tool's BACKUP_DIR) as the backup KEY: every regular file an
object, compressed, encrypted to the recipients and checksummed, directories and permission bits
recorded, the manifest written last. Symbolic links and special files are refused. It prints what
it committed as JSON; with --result it also writes it (or, on failure, the error's code and
message) to FILE: the Job driver's upload container uses this as its termination message.

` + repoLong,
		Example: `  dpctl push-dir default/db-policy/nightly-1 /backupdata/default/nightly-1`,
		Args:    args(2, 2, "KEY DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, cfg *repourl.Config) error {
				return a.pushDir(ctx, repo, cfg, args[0], args[1], result)
			})
			if err != nil {
				_ = writeReport(result, failureReport(err))
			}
			return err
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&result, "result", "", "also write the result as JSON to this file")
	return cmd
}

// pushDir uploads a directory as a backup.
func (a *app) pushDir(ctx context.Context, repo *repository.Repository, cfg *repourl.Config, key, dir, result string) error {
	m := a.newMeter("push-dir " + key)
	opts := cfg.Write
	opts.Progress = m.add
	res, err := repo.PushDir(ctx, key, dir, &opts)
	m.finish()
	if err != nil {
		return err
	}
	report := newCommitReport(key, res)
	if err := writeReport(result, report); err != nil {
		return err
	}
	return json.NewEncoder(a.out).Encode(report)
}
