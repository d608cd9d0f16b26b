package repourl_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repourl"
	"github.com/dpsdk/dataprotection/repository/s3"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseS3(t *testing.T) {
	c, err := repourl.Parse("s3://backups/team/a?endpoint=127.0.0.1:9000&region=eu-west-1&insecure=true&path-style=true&part-size=8388608&compression=zstd&level=1",
		env(map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t",
			"DP_REPOSITORY_RECIPIENTS": "age1a, age1b\nage1c"}))
	require.NoError(t, err)
	require.Equal(t, s3.Config{Endpoint: "127.0.0.1:9000", Bucket: "backups", Prefix: "team/a", Region: "eu-west-1",
		PathStyle: true, Insecure: true, PartSize: 8 << 20,
		Credentials: s3.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s3cr3t"}}, c.S3)
	require.Equal(t, []string{"age1a", "age1b", "age1c"}, c.Write.Recipients)
	require.Equal(t, 1, c.Write.Level)
	require.Equal(t, repository.CompressionZstd, c.Write.Compression)
}

func TestParseDefaultsToAWS(t *testing.T) {
	c, err := repourl.Parse("s3://bucket", env(nil))
	require.NoError(t, err)
	require.Equal(t, "s3.amazonaws.com", c.S3.Endpoint)
	require.False(t, c.S3.PathStyle)
	require.False(t, c.S3.Insecure)
}

func TestParseRefuses(t *testing.T) {
	for name, raw := range map[string]string{
		"credentials in the URL": "s3://AKID:s3cr3t@bucket/p",
		"an unknown parameter":   "s3://bucket?endpiont=host",
		"a relative file path":   "file://relative/dir",
		"an unknown scheme":      "ftp://host/dir",
		"a bad boolean":          "s3://bucket?insecure=maybe",
		"a bad part size":        "s3://bucket?part-size=16MiB",
		"a bad level":            "mem://?level=high",
	} {
		_, err := repourl.Parse(raw, env(nil))
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%s: %v", name, err)
		require.NotContains(t, err.Error(), "s3cr3t", name)
	}
}

func TestIdentitiesFromEnvironmentAndFile(t *testing.T) {
	id1, _, _ := repository.NewIdentity()
	id2, _, _ := repository.NewIdentity()
	file := filepath.Join(t.TempDir(), "keys.txt")
	require.NoError(t, writeFile(file, "# created: today\n# public key: age1...\n"+id2+"\n"))
	c, err := repourl.Parse("mem://", env(map[string]string{"DP_REPOSITORY_IDENTITY": id1 + "\n", "DP_REPOSITORY_IDENTITY_FILE": file}))
	require.NoError(t, err)
	require.Equal(t, []string{id1, id2}, c.Read.Identities)
	_, err = repourl.Parse("mem://", env(map[string]string{"DP_REPOSITORY_IDENTITY_FILE": file + ".missing"}))
	require.Error(t, err)
}

func TestOpenFileRepository(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	repo, _, err := repourl.Open("file://"+dir, env(nil))
	require.NoError(t, err)
	defer repo.Close()
	require.NoError(t, repo.Put(context.Background(), "a/b", strings.NewReader("x")))
	require.FileExists(t, filepath.Join(dir, "a", "b"))
}

// A repository URL and the environment of a restore.
func ExampleParse() {
	getenv := map[string]string{"AWS_ACCESS_KEY_ID": "backup", "AWS_SECRET_ACCESS_KEY": "not printed"}
	c, err := repourl.Parse("s3://backups/prod?endpoint=minio.local:9000&path-style=true", func(k string) string { return getenv[k] })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.S3.Name(), c.S3.PathStyle, c.S3.Credentials)
	// Output: s3://minio.local:9000/backups/prod true access key backup (secret redacted)
}
