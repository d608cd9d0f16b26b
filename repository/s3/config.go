package s3

import (
	"fmt"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
)

// DefaultPartSize is the size of a multipart upload's part when
// Config.PartSize is zero.
const DefaultPartSize = 5 << 20

// minPartSize is S3's smallest part (but the last).
const minPartSize = 5 << 20

// Config says where and how to reach a bucket.
type Config struct {
	// Endpoint is host[:port], without a scheme ("s3.amazonaws.com",
	// "127.0.0.1:9000"). Required.
	Endpoint string
	// Bucket is the bucket's name. Required; it must exist.
	Bucket string
	// Prefix is prepended, with a slash, to every key: one bucket can hold
	// several repositories. Optional.
	Prefix string
	// Region is the bucket's region; when empty the client asks the
	// server once per bucket.
	Region string
	// PathStyle addresses the bucket as endpoint/bucket rather than
	// bucket.endpoint (virtual-host style, the default), as MinIO,
	// versitygw and most self-hosted servers need.
	PathStyle bool
	// Insecure talks plain HTTP instead of HTTPS.
	Insecure bool
	// CAPEM, when set, holds PEM certificates the server's chain must
	// lead to, instead of the system's.
	CAPEM []byte
	// Credentials sign requests; empty means anonymous access.
	Credentials Credentials
	// PartSize is the size of the first 1,000 parts of a multipart
	// upload, at least 5 MiB; DefaultPartSize when zero. It doubles every
	// 1,000 parts, up to 512 MiB.
	PartSize int64
	// MaxRetries bounds the client's retries of a failed request; 3 when
	// zero.
	MaxRetries int
}

// Credentials are a static S3 key pair. A host that keeps them in a
// Kubernetes Secret reads the Secret and fills this struct. String and
// GoString redact the secret parts, so a Config printed with fmt leaks
// nothing.
type Credentials struct {
	// AccessKeyID identifies the key.
	AccessKeyID string
	// SecretAccessKey signs requests. Secret.
	SecretAccessKey string
	// SessionToken comes with temporary credentials. Secret.
	SessionToken string
}

// String returns the access key ID and redacts the rest.
func (c Credentials) String() string {
	if c.AccessKeyID == "" {
		return "anonymous"
	}
	return fmt.Sprintf("access key %s (secret redacted)", c.AccessKeyID)
}

// GoString redacts like String.
func (c Credentials) GoString() string { return "s3.Credentials{" + c.String() + "}" }

// Name returns the repository's name for messages: s3://endpoint/bucket
// and the prefix, if any.
func (c *Config) Name() string {
	name := "s3://" + c.Endpoint + "/" + c.Bucket
	if p := strings.Trim(c.Prefix, "/"); p != "" {
		name += "/" + p
	}
	return name
}

func (c *Config) validate() error {
	switch {
	case c.Endpoint == "" || strings.Contains(c.Endpoint, "://") || strings.Contains(c.Endpoint, "/"):
		return drivers.Errorf(drivers.InvalidArgument, "s3 repository: endpoint %q must be host[:port]", c.Endpoint)
	case c.Bucket == "":
		return drivers.Errorf(drivers.InvalidArgument, "s3 repository %s: no bucket", c.Endpoint)
	case c.PartSize != 0 && c.PartSize < minPartSize:
		return drivers.Errorf(drivers.InvalidArgument, "s3 repository %s: part size %d is below 5 MiB", c.Name(), c.PartSize)
	case (c.Credentials.AccessKeyID == "") != (c.Credentials.SecretAccessKey == ""):
		return drivers.Errorf(drivers.InvalidArgument, "s3 repository %s: access key ID and secret access key go together", c.Name())
	}
	return nil
}
