package s3

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// Backend is a repository.Backend over one bucket and prefix. Create it
// with Open.
type Backend struct {
	client    *minio.Client
	transport *http.Transport
	bucket    string
	prefix    string // "" or ending with "/"
	name      string
	partSize  int64
}

var _ repository.Backend = (*Backend)(nil)

// Open returns a Backend for cfg. It does not contact the server: a
// missing bucket or wrong credentials show on the first call.
func Open(cfg Config) (*Backend, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	transport, err := newTransport(&cfg)
	if err != nil {
		return nil, err
	}
	opts := &minio.Options{
		Secure:       !cfg.Insecure,
		Region:       cfg.Region,
		Transport:    transport,
		BucketLookup: minio.BucketLookupDNS,
		MaxRetries:   cfg.MaxRetries,
	}
	if cfg.PathStyle {
		opts.BucketLookup = minio.BucketLookupPath
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 3
	}
	if c := cfg.Credentials; c.AccessKeyID != "" {
		opts.Creds = credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
	client, err := minio.New(cfg.Endpoint, opts)
	if err != nil {
		return nil, drivers.Errorf(drivers.InvalidArgument, "s3 repository %s: %w", cfg.Name(), err)
	}
	b := &Backend{client: client, transport: transport, bucket: cfg.Bucket, name: cfg.Name(), partSize: cfg.PartSize}
	if p := strings.Trim(cfg.Prefix, "/"); p != "" {
		b.prefix = p + "/"
	}
	if b.partSize == 0 {
		b.partSize = DefaultPartSize
	}
	return b, nil
}

func newTransport(cfg *Config) (*http.Transport, error) {
	t, err := minio.DefaultTransport(!cfg.Insecure)
	if err != nil {
		return nil, drivers.Errorf(drivers.Internal, "s3 repository %s: transport: %w", cfg.Name(), err)
	}
	if len(cfg.CAPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CAPEM) {
			return nil, drivers.Errorf(drivers.InvalidArgument, "s3 repository %s: the CA bundle holds no PEM certificate", cfg.Name())
		}
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t, nil
}

// Name returns s3://endpoint/bucket[/prefix].
func (b *Backend) Name() string { return b.name }

// Client returns the underlying minio client, for what the Backend does
// not cover (tests list incomplete uploads with it).
func (b *Backend) Client() *minio.Client { return b.client }

// Bucket returns the bucket's name.
func (b *Backend) Bucket() string { return b.bucket }

// ObjectName returns the object name of key in the bucket.
func (b *Backend) ObjectName(key string) string { return b.prefix + key }

// Close releases idle connections.
func (b *Backend) Close() error {
	b.transport.CloseIdleConnections()
	return nil
}
