package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newPullCmd)

func newPullCmd(a *app) *cobra.Command {
	var flags repoFlags
	var name, sum string
	cmd := &cobra.Command{
		Use:   "pull KEY [--name NAME]",
		Short: "Write an object of a backup in a repository to standard output",
		Long: `Write the object NAME (default "data") of the backup KEY to standard output, decrypted and
decompressed. Its sizes and checksums are checked as it streams; a mismatch is an error at the
end, after the bytes before it were written, and the exit status is 1. To write nothing unless
the whole backup is intact, run "dpctl verify KEY" first.

` + repoLong,
		Example: `  dpctl pull prod/shop/2026-11-25 --name shop.sql | psql shop`,
		Args:    args(1, 1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, cfg *repourl.Config) error {
				return a.pull(ctx, repo, cfg, args[0], name, sum)
			})
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&name, "name", "data", "the object's name within the backup")
	cmd.Flags().StringVar(&sum, "manifest-sha256", "", "the sha256 the backup's manifest must have (its Backup's checkSum)")
	return cmd
}

// pull streams one object of a backup to standard output.
func (a *app) pull(ctx context.Context, repo *repository.Repository, cfg *repourl.Config, key, name, sum string) error {
	m := a.newMeter("pull " + key)
	defer m.finish()
	opts := cfg.Read
	opts.ManifestSHA256, opts.Progress = sum, m.add
	b, err := repo.OpenBackup(ctx, key, &opts)
	if err != nil {
		return err
	}
	rc, err := b.Open(ctx, name)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(a.out, rc)
	return err
}
