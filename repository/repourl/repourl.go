package repourl

import (
	"maps"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/repository/memory"
	"github.com/dpsdk/dataprotection/repository/s3"
)

// The environment variables read by Parse.
const (
	EnvURL             = "DP_REPOSITORY"
	EnvRecipients      = "DP_REPOSITORY_RECIPIENTS"
	EnvIdentity        = "DP_REPOSITORY_IDENTITY"
	EnvIdentityFile    = "DP_REPOSITORY_IDENTITY_FILE"
	EnvAccessKeyID     = "AWS_ACCESS_KEY_ID"
	EnvSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	EnvSessionToken    = "AWS_SESSION_TOKEN"
)

// Config is a parsed repository URL with what the environment adds.
type Config struct {
	// Scheme is "s3", "file" or "mem".
	Scheme string
	// S3 configures an s3 repository.
	S3 s3.Config
	// Dir is the directory of a file repository.
	Dir string
	// Write configures the pipeline of backups (compression, recipients).
	Write repository.WriteOptions
	// Read configures restores (identities).
	Read repository.ReadOptions
}

// Parse parses rawURL and reads credentials, recipients and identities
// with getenv (os.Getenv when nil).
func Parse(rawURL string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "repository URL: not a URL")
	}
	if u.User != nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "repository URL: credentials go in the environment (%s, %s), not in the URL", EnvAccessKeyID, EnvSecretAccessKey)
	}
	c := &Config{Scheme: u.Scheme}
	q := u.Query()
	if err := c.parsePipeline(q); err != nil {
		return nil, err
	}
	if err := c.parseLocation(u, q, getenv); err != nil {
		return nil, err
	}
	if len(q) > 0 {
		unknown := slices.Sorted(maps.Keys(q))
		return nil, drivers.Errorf(drivers.InvalidArgument, "repository URL: unknown parameter %q for %s", unknown[0], u.Scheme)
	}
	if err := c.parseKeys(getenv); err != nil {
		return nil, err
	}
	return c, nil
}

// parseLocation reads the scheme's part of the URL and removes the
// parameters it used from q.
func (c *Config) parseLocation(u *url.URL, q url.Values, getenv func(string) string) error {
	switch u.Scheme {
	case "s3":
		return c.parseS3(u, q, getenv)
	case "file":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return drivers.Errorf(drivers.InvalidArgument, "repository URL: write file:///absolute/path")
		}
		c.Dir = u.Path
	case "mem":
	default:
		return drivers.Errorf(drivers.InvalidArgument, "repository URL: scheme %q is not s3, file or mem", u.Scheme)
	}
	return nil
}

// parsePipeline reads compression and level.
func (c *Config) parsePipeline(q url.Values) error {
	if v, ok := take(q, "compression"); ok {
		c.Write.Compression = repository.Compression(v)
	}
	if v, ok := take(q, "level"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return drivers.Errorf(drivers.InvalidArgument, "repository URL: level %q is not a number", v)
		}
		c.Write.Level = n
	}
	return nil
}

// take returns and removes a query parameter.
func take(q url.Values, key string) (string, bool) {
	v, ok := q[key]
	delete(q, key)
	if !ok || len(v) == 0 {
		return "", ok
	}
	return v[len(v)-1], true
}

// Open returns the repository the Config describes.
func (c *Config) Open() (*repository.Repository, error) {
	switch c.Scheme {
	case "s3":
		b, err := s3.Open(c.S3)
		if err != nil {
			return nil, err
		}
		return repository.New(b, c.S3.Name()), nil
	case "file":
		b, err := fs.Open(c.Dir)
		if err != nil {
			return nil, err
		}
		return repository.New(b, "file://"+c.Dir), nil
	}
	return repository.New(memory.New(), "mem://"), nil
}

// Open parses rawURL with getenv and opens the repository.
func Open(rawURL string, getenv func(string) string) (*repository.Repository, *Config, error) {
	c, err := Parse(rawURL, getenv)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.Open()
	return r, c, err
}
