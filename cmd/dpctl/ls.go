package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newLsCmd)

func newLsCmd(a *app) *cobra.Command {
	var flags repoFlags
	var backups bool
	cmd := &cobra.Command{
		Use:   "ls [PREFIX] [--backups]",
		Short: "List the objects (or backups) of a repository",
		Long: `List the objects of a repository whose keys start with PREFIX (all without one), in key order,
with their stored size and modification time. With --backups, list the backups instead: the
keys that have a manifest.

` + repoLong,
		Example: `  dpctl ls default/ --backups
  dpctl ls default/db-policy/db-policy-datafile-20261125013000/`,
		Args: args(0, 1, "at most a PREFIX"),
		RunE: func(cmd *cobra.Command, args []string) error {
			prefix := ""
			if len(args) == 1 {
				prefix = args[0]
			}
			return a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, _ *repourl.Config) error {
				return a.listRepository(ctx, repo, prefix, backups)
			})
		},
	}
	flags.add(cmd)
	cmd.Flags().BoolVarP(&backups, "backups", "b", false, "list the backups (keys with a manifest) instead of the objects")
	return cmd
}

// listRepository prints the objects, or the backups, under prefix.
func (a *app) listRepository(ctx context.Context, repo *repository.Repository, prefix string, backups bool) error {
	w := tabwriter.NewWriter(a.out, 0, 8, 2, ' ', 0)
	header := "KEY\tSIZE\tMODIFIED"
	if backups {
		header = "BACKUP\tMANIFEST-SIZE\tCOMMITTED"
	}
	fmt.Fprintln(w, header)
	for obj, err := range repo.List(ctx, prefix) {
		if err != nil {
			return err
		}
		key := obj.Key
		if backups {
			var ok bool
			if key, ok = strings.CutSuffix(key, "/"+repository.ManifestName); !ok {
				continue
			}
		}
		fmt.Fprintf(w, "%s\t%d\t%s\n", key, obj.Size, obj.ModTime.UTC().Format(time.RFC3339))
	}
	return w.Flush()
}
