package s3env

import (
	"context"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// maxBucketPrefix keeps bucket names inside S3's 63 characters; NewBucket
// appends a dash and eight random characters.
const maxBucketPrefix = 40

var notBucketChar = regexp.MustCompile(`[^a-z0-9]+`)

// Client returns a minio-go client for the server's account, over plain
// HTTP, in Region. It fails the test if the client cannot be made.
func (s *Server) Client(t testing.TB) *minio.Client {
	t.Helper()
	c, err := minio.New(s.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure: false,
		Region: Region,
	})
	if err != nil {
		t.Fatalf("s3env: client: %v", err)
	}
	return c
}

// NewBucket creates a bucket with a unique name derived from the test's
// name, for the test to keep its objects apart from other tests', and
// returns the name. It fails the test if the bucket cannot be created. The
// bucket stays until the server stops.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := bucketName(t.Name())
	if err := s.Client(t).MakeBucket(context.Background(), name, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("s3env: create bucket %s: %v", name, err)
	}
	return name
}

// bucketName turns a test name such as "TestUpload/big_file" into a bucket
// name such as "testupload-big-file-k3j5x9q2": lower-case letters, digits
// and dashes, starting and ending with a letter or digit.
func bucketName(testName string) string {
	p := notBucketChar.ReplaceAllString(strings.ToLower(testName), "-")
	p = strings.Trim(p, "-")
	if len(p) > maxBucketPrefix {
		p = strings.TrimRight(p[:maxBucketPrefix], "-")
	}
	if p == "" {
		p = "test"
	}
	return p + "-" + strings.ToLower(rand.Text()[:8])
}
