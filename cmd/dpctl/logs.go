package main

import (
	"context"

	"github.com/spf13/cobra"
)

var _ = register(newLogsCmd)

func newLogsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "logs [restorejob] NAME",
		Short: "Print the output of a Backup's (or RestoreJob's) tasks",
		Long: `Print the output of the tasks of a Backup, or of a RestoreJob, in the order they ran.
In a cluster: the logs of the pods of its Jobs (labelled with its name and task IDs).
With a bolt file: the output the local driver kept (secret values redacted); this needs
--config for the driver's state directory.`,
		Example: `  dpctl logs db-datafile-x7k2p
  dpctl logs restorejob restore-1`,
		Args: args(1, 2, "a Backup's NAME, or restorejob NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, name, err := kindAndName(args, backupKind)
			if err != nil {
				return err
			}
			if k != backupKind && k != restoreKind {
				return usageErrorf("logs are kept for backups and restorejobs, not %s", k.plural)
			}
			return a.withBackend(cmd, openOptions{}, func(ctx context.Context, be backend) error {
				obj, err := getObject(ctx, be, k, a.namespaceFor(be, k), name)
				if err != nil {
					return err
				}
				return be.Logs(ctx, a.out, obj)
			})
		},
	}
}
