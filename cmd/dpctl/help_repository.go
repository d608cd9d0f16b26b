package main

import "github.com/spf13/cobra"

var _ = register(newRepositoryHelp)

// repositoryHelp documents how the repository commands are configured;
// "dpctl help repository" prints it.
const repositoryHelp = `push, pull, push-dir, pull-dir, ls, rm and verify work on a repository: backups stored as
objects (zstd-compressed, age-encrypted, sha256-checked, with a manifest written last) in S3-
compatible object storage or a directory. They read it from the environment, the same variables
the engine's drivers give a Job's upload and download containers:

  DP_REPOSITORY                the URL (or --repository):
                                 s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=R&path-style=true&insecure=true
                                 file:///ABSOLUTE/DIR
                               and, for any scheme, compression=zstd|none and level=1..4
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
                               S3 credentials (never in the URL)
  DP_REPOSITORY_RECIPIENTS     age public keys (age1...), separated by commas: what is written is
                               encrypted to them, and whoever writes cannot read it back
  DP_REPOSITORY_IDENTITY       age secret keys (AGE-SECRET-KEY-1...), one per line, that decrypt
  DP_REPOSITORY_IDENTITY_FILE  a file of them, as age-keygen writes it

A backup's key is what its Backup records in status.manifests.backupTool.filePath:
<namespace>/<policy>/<backup name>. Progress (bytes and rate) goes to standard error: redrawn
on a terminal, a line every 10 s otherwise. Errors name the repository, the backup and the
object, never a credential or an identity.`

func newRepositoryHelp(*app) *cobra.Command {
	return &cobra.Command{
		Use:   "repository",
		Short: "How the repository commands find a repository (DP_REPOSITORY and credentials)",
		Long:  repositoryHelp,
	}
}
