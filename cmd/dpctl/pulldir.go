package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newPullDirCmd)

func newPullDirCmd(a *app) *cobra.Command {
	var flags repoFlags
	var sum, result string
	cmd := &cobra.Command{
		Use:   "pull-dir KEY DIR [--manifest-sha256 SUM] [--result FILE]",
		Short: "Download a backup from a repository into a directory",
		Long: `Download the backup KEY into DIR (created if needed): the inverse of push-dir. Each file is
written under a temporary name and renamed only once it was checked against the manifest, so a
corrupt object never appears under its name; to write nothing unless the whole backup is intact,
run "dpctl verify KEY" first. Nothing is written outside DIR. With --result the error's code and
message go to FILE on failure (the Job driver's download container's termination message).

` + repoLong,
		Example: `  DP_REPOSITORY_IDENTITY_FILE=key.txt dpctl pull-dir default/db-policy/nightly-1 ./restore`,
		Args:    args(2, 2, "KEY DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, cfg *repourl.Config) error {
				m := a.newMeter("pull-dir " + args[0])
				defer m.finish()
				opts := cfg.Read
				opts.ManifestSHA256, opts.Progress = sum, m.add
				return repo.PullDir(ctx, args[0], args[1], &opts)
			})
			if err != nil {
				_ = writeReport(result, failureReport(err))
				return err
			}
			fmt.Fprintf(a.out, "backup %s downloaded into %s\n", args[0], args[1])
			return nil
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&sum, "manifest-sha256", "", "the sha256 the backup's manifest must have (its Backup's checkSum)")
	cmd.Flags().StringVar(&result, "result", "", "on failure, write the error's code and message as JSON to this file")
	return cmd
}
