package s3_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository/s3"
)

const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := s3.Config{Endpoint: "host:9000", Bucket: "b", Credentials: s3.Credentials{
		AccessKeyID: "AKID", SecretAccessKey: secret, SessionToken: "token-secret"}}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, cfg)
		require.NotContains(t, out, secret, format)
		require.NotContains(t, out, "token-secret", format)
	}
}

func TestConfigIsValidated(t *testing.T) {
	for name, cfg := range map[string]s3.Config{
		"a scheme in the endpoint": {Endpoint: "https://host", Bucket: "b"},
		"no bucket":                {Endpoint: "host"},
		"tiny parts":               {Endpoint: "host", Bucket: "b", PartSize: 1 << 20},
		"a key without its secret": {Endpoint: "host", Bucket: "b", Credentials: s3.Credentials{AccessKeyID: "x"}},
		"a CA that is not PEM":     {Endpoint: "host", Bucket: "b", CAPEM: []byte("nope")},
	} {
		_, err := s3.Open(cfg)
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%s: %v", name, err)
	}
	require.Equal(t, "s3://h:1/b/p/q", (&s3.Config{Endpoint: "h:1", Bucket: "b", Prefix: "/p/q/"}).Name())
}

// fakeS3 answers every request with an S3 error document.
func fakeS3(t *testing.T, status int, code string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>refused</Message><Resource>%s</Resource></Error>`, code, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func openFake(t *testing.T, endpoint string) *s3.Backend {
	b, err := s3.Open(s3.Config{Endpoint: endpoint, Bucket: "backups", Region: "us-east-1", PathStyle: true,
		Insecure: true, MaxRetries: 1, Credentials: s3.Credentials{AccessKeyID: "AKID", SecretAccessKey: secret}})
	require.NoError(t, err)
	return b
}

func TestErrorsAreClassified(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   drivers.Code
		says   string
	}{
		{http.StatusForbidden, "InvalidAccessKeyId", drivers.PermissionDenied, "check the credentials"},
		{http.StatusForbidden, "SignatureDoesNotMatch", drivers.PermissionDenied, "check the credentials"},
		{http.StatusNotFound, "NoSuchBucket", drivers.FailedPrecondition, `bucket "backups" does not exist`},
		{http.StatusNotFound, "NoSuchKey", drivers.NotFound, `no object "k"`},
		{http.StatusServiceUnavailable, "SlowDown", drivers.ResourceExhausted, "throttled"},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			endpoint := fakeS3(t, c.status, c.code)
			_, err := openFake(t, endpoint).Get(context.Background(), "k")
			require.Equal(t, c.want, drivers.ErrorCode(err), "%v", err)
			require.Contains(t, err.Error(), c.says)
			require.Contains(t, err.Error(), "s3://"+endpoint+"/backups", "names the repository")
			require.NotContains(t, err.Error(), secret)
		})
	}
}

func TestUnreachableEndpointIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	endpoint := l.Addr().String()
	require.NoError(t, l.Close())
	err = openFake(t, endpoint).Put(context.Background(), "k", strings.NewReader("x"))
	require.Equal(t, drivers.Unavailable, drivers.ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), endpoint)
}
