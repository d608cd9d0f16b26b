package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/repository"
)

// repoEnv is the environment of an encrypted file repository in a new
// directory: the recipient only (write), and with the identity (read).
type repoEnv struct {
	dir         string
	write, read []string
}

func newRepoEnv(t *testing.T) repoEnv {
	identity, recipient, err := repository.NewIdentity()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "repo")
	w := []string{"DP_REPOSITORY=file://" + dir, "DP_REPOSITORY_RECIPIENTS=" + recipient}
	return repoEnv{dir: dir, write: w, read: append(w, "DP_REPOSITORY_IDENTITY="+identity)}
}

func TestPushPullVerifyListRemove(t *testing.T) {
	r := newRepoEnv(t)
	data := strings.Repeat("INSERT INTO orders VALUES (42, 'paid', 17.50);\n", 10_000)

	res := dpctl(t, r.write, data, "push", "ns/db/nightly-1", "--name", "dump.sql")
	require.Equal(t, 0, res.code, res.stderr)
	var report commitReport
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &report))
	assert.Equal(t, "ns/db/nightly-1", report.Key)
	assert.Equal(t, int64(len(data)), report.LogicalSize)
	assert.Less(t, report.StoredSize, report.LogicalSize/10, "compressed")
	assert.Contains(t, res.stderr, "push ns/db/nightly-1: ", "progress on stderr")

	res = dpctl(t, r.read, "", "pull", "ns/db/nightly-1", "--name", "dump.sql", "--manifest-sha256", report.ManifestSHA256)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, data, res.stdout)
	res = dpctl(t, r.write, "", "pull", "ns/db/nightly-1", "--name", "dump.sql")
	assert.Equal(t, 1, res.code, "the writer cannot decrypt")
	assert.Contains(t, res.stderr, "the backup is encrypted and no identity was given")

	res = must(t, r.read, "verify", "ns/db/nightly-1", "--manifest-sha256", report.ManifestSHA256)
	assert.Contains(t, res.stdout, "ns/db/nightly-1: OK, 1 objects")
	assert.Contains(t, res.stdout, "stored and logical bytes checked")
	res = must(t, r.write, "verify", "ns/db/nightly-1")
	assert.Contains(t, res.stdout, "stored bytes only (encrypted, no identity given)")

	res = must(t, r.read, "ls", "ns/")
	assert.Contains(t, res.stdout, "ns/db/nightly-1/data/dump.sql")
	assert.Contains(t, res.stdout, "ns/db/nightly-1/manifest.json")
	res = must(t, r.read, "ls", "--backups")
	assert.Regexp(t, `(?m)^ns/db/nightly-1\s+\d+\s+\d{4}-`, res.stdout)

	res = must(t, r.read, "rm", "ns/db/nightly-1")
	assert.Equal(t, "backup ns/db/nightly-1 deleted\n", res.stdout)
	res = must(t, r.read, "ls")
	assert.Equal(t, "KEY  SIZE  MODIFIED\n", res.stdout)
	res = must(t, r.read, "rm", "ns/db/nightly-1")
	assert.Equal(t, "object ns/db/nightly-1 deleted\n", res.stdout, "deleting what is gone succeeds")
}

func TestVerifyAndPullNameTheBadObject(t *testing.T) {
	r := newRepoEnv(t)
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "wal"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(src, "base.tar"), []byte(strings.Repeat("base ", 4000)), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(src, "wal", "0001"), []byte(strings.Repeat("wal ", 4000)), 0o600))
	must(t, r.write, "push-dir", "ns/db/b1", src)
	obj := filepath.Join(r.dir, "ns", "db", "b1", "data", "wal", "0001")
	stored, err := os.ReadFile(obj)
	require.NoError(t, err)
	stored[len(stored)/2] ^= 0x01
	require.NoError(t, os.WriteFile(obj, stored, 0o600))

	for _, env := range [][]string{r.read, r.write} {
		res := dpctl(t, env, "", "verify", "ns/db/b1")
		assert.Equal(t, 1, res.code)
		assert.Contains(t, res.stderr, `backup "ns/db/b1": object "wal/0001": stored data does not match the manifest`)
	}
	target := filepath.Join(t.TempDir(), "restore")
	res := dpctl(t, r.read, "", "pull-dir", "ns/db/b1", target)
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, `object "wal/0001"`)
	assert.NoFileExists(t, filepath.Join(target, "wal", "0001"), "a corrupt object never takes its name")

	otherID, _, err := repository.NewIdentity()
	require.NoError(t, err)
	res = dpctl(t, append(r.write, "DP_REPOSITORY_IDENTITY="+otherID), "", "verify", "ns/db/b1")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "no identity matches the backup's recipients")
	assert.NotContains(t, res.stderr, otherID)
}

func TestPushDirPullDirRoundTripWithResult(t *testing.T) {
	r := newRepoEnv(t)
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "dump"), []byte("rows\n"), 0o640))
	result := filepath.Join(t.TempDir(), "termination-log")
	must(t, r.write, "push-dir", "ns/db/b2", src, "--result", result)
	var report commitReport
	data, err := os.ReadFile(result)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &report))
	assert.Equal(t, 1, report.Version)
	assert.Equal(t, 1, report.Objects)

	target := filepath.Join(t.TempDir(), "restore")
	must(t, r.read, "pull-dir", "ns/db/b2", target, "--manifest-sha256", report.ManifestSHA256)
	got, err := os.ReadFile(filepath.Join(target, "dump"))
	require.NoError(t, err)
	assert.Equal(t, "rows\n", string(got))
	fi, err := os.Stat(filepath.Join(target, "dump"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "permission bits kept")

	res := dpctl(t, r.read, "", "pull-dir", "ns/db/missing", target, "--result", result)
	assert.Equal(t, 1, res.code)
	data, err = os.ReadFile(result)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &report))
	assert.Equal(t, "NotFound", report.Code)
	assert.Contains(t, report.Message, "no manifest")
}

func TestRepositoryCommandsWithoutARepository(t *testing.T) {
	res := dpctl(t, nil, "", "ls")
	assert.Equal(t, 2, res.code)
	assert.Contains(t, res.stderr, "no repository: set DP_REPOSITORY or --repository")
	res = dpctl(t, nil, "", "ls", "--repository", "s3://AK:s3cr3t@bucket")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "credentials go in the environment")
	assert.NotContains(t, res.stderr, "s3cr3t")
}

func TestRepositoryCommandsExplainS3Failures(t *testing.T) {
	srv := s3env.Require(t)
	bucket := srv.NewBucket(t)
	url := "s3://" + bucket + "/p?endpoint=" + srv.Endpoint + "&region=" + s3env.Region + "&insecure=true&path-style=true"
	creds := []string{"AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=" + srv.SecretKey}
	res := dpctl(t, append(creds, "DP_REPOSITORY="+url), "data", "push", "ns/db/b1")
	require.Equal(t, 0, res.code, res.stderr)

	for name, c := range map[string]struct {
		env  []string
		want string
	}{
		"wrong credentials": {[]string{"DP_REPOSITORY=" + url, "AWS_ACCESS_KEY_ID=" + srv.AccessKey, "AWS_SECRET_ACCESS_KEY=wrong-s3cr3t"},
			`denied (SignatureDoesNotMatch): check the credentials`},
		"unknown access key": {[]string{"DP_REPOSITORY=" + url, "AWS_ACCESS_KEY_ID=nobody", "AWS_SECRET_ACCESS_KEY=wrong-s3cr3t"},
			"check the credentials"},
		"missing bucket": {append(creds, "DP_REPOSITORY="+strings.Replace(url, bucket, bucket+"-missing", 1)),
			`bucket "` + bucket + `-missing" does not exist`},
		"unreachable endpoint": {append(creds, "DP_REPOSITORY=s3://"+bucket+"?endpoint=127.0.0.1:1&insecure=true&path-style=true&region="+s3env.Region),
			"endpoint unreachable"},
	} {
		t.Run(name, func(t *testing.T) {
			res := dpctl(t, c.env, "", "ls")
			assert.Equal(t, 1, res.code)
			assert.Contains(t, res.stderr, c.want)
			assert.Contains(t, res.stderr, "s3 repository s3://")
			assert.NotContains(t, res.stderr, "s3cr3t")
			assert.NotContains(t, res.stderr, srv.SecretKey)
		})
	}
}

func TestInstallCopiesTheBinary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bin")
	must(t, nil, "install", dir)
	res := dpctl(t, nil, "", "version")
	require.Equal(t, 0, res.code)
	copied, err := os.Stat(filepath.Join(dir, "dpctl"))
	require.NoError(t, err)
	orig, err := os.Stat(binary)
	require.NoError(t, err)
	assert.Equal(t, orig.Size(), copied.Size())
	assert.NotZero(t, copied.Mode().Perm()&0o111, "executable")
}
