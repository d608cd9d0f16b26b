package repourl

import (
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository/s3"
)

// parseS3 reads s3://bucket/prefix and its parameters.
func (c *Config) parseS3(u *url.URL, q url.Values, getenv func(string) string) error {
	c.S3 = s3.Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: "s3.amazonaws.com"}
	if v, ok := take(q, "endpoint"); ok {
		c.S3.Endpoint = v
	}
	c.S3.Region, _ = take(q, "region")
	var err error
	if c.S3.PathStyle, err = boolParam(q, "path-style"); err != nil {
		return err
	}
	if c.S3.Insecure, err = boolParam(q, "insecure"); err != nil {
		return err
	}
	if v, ok := take(q, "part-size"); ok {
		if c.S3.PartSize, err = strconv.ParseInt(v, 10, 64); err != nil {
			return drivers.Errorf(drivers.InvalidArgument, "repository URL: part-size %q is not a number of bytes", v)
		}
	}
	if v, ok := take(q, "ca-file"); ok {
		if c.S3.CAPEM, err = os.ReadFile(v); err != nil {
			return drivers.Errorf(drivers.InvalidArgument, "repository URL: ca-file: %w", err)
		}
	}
	c.S3.Credentials = s3.Credentials{AccessKeyID: getenv(EnvAccessKeyID),
		SecretAccessKey: getenv(EnvSecretAccessKey), SessionToken: getenv(EnvSessionToken)}
	return nil
}

func boolParam(q url.Values, key string) (bool, error) {
	v, ok := take(q, key)
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, drivers.Errorf(drivers.InvalidArgument, "repository URL: %s=%q is not true or false", key, v)
	}
	return b, nil
}
