package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newRmCmd)

func newRmCmd(a *app) *cobra.Command {
	var flags repoFlags
	cmd := &cobra.Command{
		Use:   "rm KEY...",
		Short: "Delete backups or objects from a repository",
		Long: `Delete each KEY from the repository. A backup's key (one with a manifest, or objects under
KEY/data/) deletes the whole backup: its manifest first, so that it stops existing at once,
then every object it holds. Any other key deletes that one object. Deleting what does not exist
succeeds. This bypasses the engine: to delete a backup a Backup object describes, delete the
Backup ("dpctl delete backup NAME"), which deletes its data.

` + repoLong,
		Example: `  dpctl rm default/db-policy/db-policy-datafile-20261125013000`,
		Args:    args(1, -1, "KEY..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, _ *repourl.Config) error {
				for _, key := range args {
					if err := a.remove(ctx, repo, key); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	flags.add(cmd)
	return cmd
}

// remove deletes a backup or an object, and says which.
func (a *app) remove(ctx context.Context, repo *repository.Repository, key string) error {
	isBackup, err := hasBackup(ctx, repo, key)
	if err != nil {
		return err
	}
	if isBackup {
		if err := repo.DeleteBackup(ctx, key); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "backup %s deleted\n", key)
		return nil
	}
	if err := repo.Delete(ctx, key); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "object %s deleted\n", key)
	return nil
}

// hasBackup reports whether key is a backup's: it has a manifest, or
// objects under its data prefix (an upload that never committed).
func hasBackup(ctx context.Context, repo *repository.Repository, key string) (bool, error) {
	_, err := repo.Stat(ctx, key+"/"+repository.ManifestName)
	switch {
	case err == nil:
		return true, nil
	case !drivers.IsNotFound(err):
		return false, err
	}
	for _, err := range repo.List(ctx, key+"/data/") {
		return err == nil, err
	}
	return false, nil
}
