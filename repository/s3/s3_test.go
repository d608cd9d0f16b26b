package s3_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repotest"
	"github.com/dpsdk/dataprotection/repository/s3"
)

func TestMain(m *testing.M) { os.Exit(s3env.RunMain(m)) }

// config returns a Config for bucket on srv, with the smallest parts so
// that the suite's objects cross part boundaries.
func config(srv *s3env.Server, bucket string) s3.Config {
	return s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: s3env.Region, PathStyle: true, Insecure: true,
		PartSize: 5 << 20, MaxRetries: 1, Credentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
}

func open(t *testing.T, cfg s3.Config) *s3.Backend {
	b, err := s3.Open(cfg)
	require.NoError(t, err)
	return b
}

var prefixes atomic.Int64

// TestConformance runs repotest on versitygw, each subtest under a prefix
// of its own in one bucket, checking for incomplete multipart uploads
// left behind.
func TestConformance(t *testing.T) {
	srv := s3env.Require(t)
	cfg := config(srv, srv.NewBucket(t))
	repotest.RunConformanceTests(t, repotest.Harness{
		NewBackend: func(t *testing.T) repository.Backend {
			c := cfg
			c.Prefix = fmt.Sprintf("repotest/%d", prefixes.Add(1))
			return open(t, c)
		},
		Leftovers: incompleteUploads,
	})
}

// incompleteUploads lists the multipart uploads under b's prefix that were
// neither completed nor aborted.
func incompleteUploads(t *testing.T, b repository.Backend) []string {
	sb := b.(*s3.Backend)
	var out []string
	for u := range sb.Client().ListIncompleteUploads(context.Background(), sb.Bucket(), sb.ObjectName(""), true) {
		require.NoError(t, u.Err)
		out = append(out, u.Key)
	}
	return out
}

func TestIncompleteUploadsAreSeen(t *testing.T) {
	srv := s3env.Require(t)
	b := open(t, config(srv, srv.NewBucket(t)))
	core := minio.Core{Client: b.Client()}
	_, err := core.NewMultipartUpload(t.Context(), b.Bucket(), b.ObjectName("dangling"), minio.PutObjectOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"dangling"}, incompleteUploads(t, b), "the suite's leftover check can see an upload")
}

func TestPipelineOnS3(t *testing.T) {
	srv := s3env.Require(t)
	repo := repository.New(open(t, config(srv, srv.NewBucket(t))), "s3")
	ctx := t.Context()
	id, rcpt, err := repository.NewIdentity()
	require.NoError(t, err)
	w, err := repo.NewBackup("ns/b", &repository.WriteOptions{Recipients: []string{rcpt}})
	require.NoError(t, err)
	_, err = w.Put(ctx, "dump.sql", repotest.DumpLike(1, 12<<20), 0o600)
	require.NoError(t, err)
	res, err := w.Commit(ctx)
	require.NoError(t, err)
	ropts := &repository.ReadOptions{Identities: []string{id}, ManifestSHA256: res.ManifestSHA256}
	require.NoError(t, repo.Verify(ctx, "ns/b", ropts))
	require.NoError(t, repo.PullDir(ctx, "ns/b", t.TempDir(), ropts))
}

func TestWrongCredentialsArePermissionDenied(t *testing.T) {
	srv := s3env.Require(t)
	cfg := config(srv, srv.NewBucket(t))
	ctx := t.Context()
	require.NoError(t, open(t, cfg).Put(ctx, "k", strings.NewReader("x")))
	cfg.Credentials.SecretAccessKey = "wrong-" + srv.SecretKey[:8] + "-secret"
	b := open(t, cfg)
	_, err := b.List(ctx, repository.ListOptions{})
	for _, err := range []error{err, b.Put(ctx, "k", strings.NewReader("x")), b.Put(ctx, "big", repotest.DumpLike(1, 6<<20))} {
		requirePermissionDenied(t, err, srv, cfg)
	}
	_, err = b.Get(ctx, "k")
	requirePermissionDenied(t, err, srv, cfg)
	_, err = b.Stat(ctx, "k")
	requirePermissionDenied(t, err, srv, cfg)
	// An unknown access key: versitygw answers a HEAD (Stat) with it as
	// if the object were missing, so the check uses a GET.
	cfg.Credentials.AccessKeyID = "nobody"
	_, err = open(t, cfg).Get(ctx, "k")
	requirePermissionDenied(t, err, srv, cfg)
}

func requirePermissionDenied(t *testing.T, err error, srv *s3env.Server, cfg s3.Config) {
	t.Helper()
	require.Equal(t, drivers.PermissionDenied, drivers.ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), cfg.Name(), "the error names the endpoint and bucket")
	require.NotContains(t, err.Error(), cfg.Credentials.SecretAccessKey)
	require.NotContains(t, err.Error(), srv.SecretKey)
}

func TestMissingBucketIsFailedPrecondition(t *testing.T) {
	srv := s3env.Require(t)
	b := open(t, config(srv, "no-such-bucket"))
	ctx := t.Context()
	_, err := b.Get(ctx, "k")
	for _, err := range []error{err, b.Put(ctx, "k", strings.NewReader("x")), b.Put(ctx, "big", repotest.DumpLike(1, 6<<20))} {
		require.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err), "%v", err)
		require.Contains(t, err.Error(), `bucket "no-such-bucket" does not exist`)
		require.Contains(t, err.Error(), srv.Endpoint)
	}
}
