// Package s3env runs a real S3 server, versitygw over a directory, for
// integration tests.
//
// hack/testenv-binaries.sh (make test runs it) builds versitygw from source
// into the directory that DP_TESTENV_BIN names, beside the control plane of
// package testenv. A test package starts at most one shared server, lazily,
// the first time a test asks for it, and stops it after the package's tests
// through testenv.RunMain (or RunMain here, which is the same function: call
// one of them). Tests keep apart with a bucket of their own:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }
//
//	func TestUpload(t *testing.T) {
//		srv := s3env.Require(t)
//		bucket := srv.NewBucket(t)
//		client := srv.Client(t)
//		_, err := client.PutObject(t.Context(), bucket, "key", r, size, minio.PutObjectOptions{})
//		...
//	}
//
// A test that kills the server (to see how code under test copes with a
// server that dies mid-upload) takes a server of its own with RequireOwn,
// so that tests running in parallel keep theirs:
//
//	srv := s3env.RequireOwn(t)
//	...
//	srv.Kill()
//	...
//	if err := srv.Restart(t.Context()); err != nil { ... }
//
// # Skip or fail
//
// The rules of package testenv apply: with DP_TESTENV_BIN unset and
// DP_REQUIRE_TESTENV not set, Require and RequireOwn skip the test with a
// message that names make test; otherwise a missing binary or a server that
// does not start fails the test.
//
// # What runs
//
// versitygw (pinned in hack/s3server/go.mod) in single-account mode with a
// random access key and secret key, over plain HTTP on a free port of
// 127.0.0.1, region us-east-1, keeping buckets and objects as directories
// and files (metadata in extended attributes) under a temporary directory.
// Buckets are not removed when a test ends; the whole directory is when the
// server stops. Request logging is off; the server's log is in the
// temporary directory and the end of it is in every start error.
package s3env
