package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

var _ = register(newVerifyCmd)

func newVerifyCmd(a *app) *cobra.Command {
	var flags repoFlags
	var sum string
	cmd := &cobra.Command{
		Use:   "verify KEY",
		Short: "Check every object of a backup in a repository against its manifest",
		Long: `Re-read every object of the backup KEY and check it against the backup's manifest, writing
nothing anywhere: the stored size and sha256 of each object, and, with an identity (or for an
unencrypted backup), its decrypted and decompressed size and sha256 too. With --manifest-sha256
(the checkSum of the Backup, without "sha256:") the manifest itself must have that checksum.
It exits 0 when everything matches, 1 naming the first object that does not. KEY is the
Backup's filePath (status.manifests.backupTool.filePath).

` + repoLong,
		Example: `  dpctl verify default/db-policy/db-policy-datafile-20261125013000`,
		Args:    args(1, 1, "KEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRepository(cmd, &flags, func(ctx context.Context, repo *repository.Repository, cfg *repourl.Config) error {
				return a.verify(ctx, repo, cfg, args[0], sum)
			})
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVar(&sum, "manifest-sha256", "", "the sha256 the backup's manifest must have (its Backup's checkSum)")
	return cmd
}

// verify checks one backup and says what it checked.
func (a *app) verify(ctx context.Context, repo *repository.Repository, cfg *repourl.Config, key, sum string) error {
	m := a.newMeter("verify " + key)
	opts := cfg.Read
	opts.ManifestSHA256, opts.Progress = sum, m.add
	b, err := repo.OpenBackup(ctx, key, &opts)
	if err == nil {
		err = b.Verify(ctx)
	}
	m.finish()
	if err != nil {
		return err
	}
	man := b.Manifest()
	files := 0
	for _, o := range man.Objects {
		if o.Type == repository.TypeFile {
			files++
		}
	}
	what := "stored and logical bytes"
	if man.Encrypted() && len(opts.Identities) == 0 {
		what = "stored bytes only (encrypted, no identity given)"
	}
	fmt.Fprintf(a.out, "%s: OK, %d objects, %d bytes (%d stored), %s checked\n", key, files, man.LogicalSize(), man.StoredSize(), what)
	return nil
}
