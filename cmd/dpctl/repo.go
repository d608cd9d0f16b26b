package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
)

// repoFlags are the flags every repository command shares.
type repoFlags struct {
	url string
}

// add adds the flags to cmd.
func (f *repoFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.url, "repository", "", "the repository's URL (default $"+repourl.EnvURL+"); see \"dpctl help repository\"")
}

// repoLong is the part of every repository command's help that says how the
// repository is configured.
const repoLong = `The repository is configured from the environment (see "dpctl help repository"):
DP_REPOSITORY (or --repository) is its URL, such as s3://bucket/prefix?endpoint=host:9000 or
file:///var/backups; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY its credentials;
DP_REPOSITORY_RECIPIENTS the age public keys backups are encrypted to; DP_REPOSITORY_IDENTITY or
DP_REPOSITORY_IDENTITY_FILE the age identities that decrypt them.`

// openRepository opens the repository the flags and the environment name.
func (a *app) openRepository(f *repoFlags) (*repository.Repository, *repourl.Config, error) {
	url := f.url
	if url == "" {
		url = a.env(repourl.EnvURL)
	}
	if url == "" {
		return nil, nil, usageErrorf("no repository: set %s or --repository to its URL (such as s3://bucket/prefix?endpoint=host:9000)", repourl.EnvURL)
	}
	return repourl.Open(url, a.env)
}

// withRepository opens the repository, runs f under --timeout with it and
// closes it.
func (a *app) withRepository(cmd *cobra.Command, flags *repoFlags, f func(context.Context, *repository.Repository, *repourl.Config) error) error {
	repo, cfg, err := a.openRepository(flags)
	if err != nil {
		return err
	}
	defer repo.Close()
	ctx, cancel := a.context(cmd)
	defer cancel()
	return a.explain(ctx, f(ctx, repo, cfg))
}

// commitReport is what the commands that write a backup print (and
// push-dir writes to --result): the drivers.RepositoryResult as JSON, or
// the failure with its code.
type commitReport struct {
	// Version is 1.
	Version int `json:"v"`
	// Result is what was committed.
	*drivers.RepositoryResult `json:",omitempty"`
	// Code and Message describe a failure.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// newCommitReport reports a commit of key.
func newCommitReport(key string, res repository.CommitResult) commitReport {
	r := &drivers.RepositoryResult{Key: key, ManifestSHA256: res.ManifestSHA256,
		LogicalSize: res.Manifest.LogicalSize(), StoredSize: res.Manifest.StoredSize()}
	for _, o := range res.Manifest.Objects {
		if o.Type == repository.TypeFile {
			r.Objects++
		}
	}
	return commitReport{Version: 1, RepositoryResult: r}
}

// failureReport reports err.
func failureReport(err error) commitReport {
	return commitReport{Version: 1, Code: drivers.ErrorCode(err).String(), Message: err.Error()}
}

// writeReport writes r as one line of JSON to the file path (for a Job's
// termination message); nothing when path is empty.
func writeReport(path string, r commitReport) error {
	if path == "" {
		return nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write the result to %s: %w", path, err)
	}
	return nil
}
