package s3

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/minio/minio-go/v7"

	"github.com/dpsdk/dataprotection/drivers"
)

// classify gives err a code and a message naming the repository; the
// server's text follows, never a credential (the secret key is never sent,
// so no server can echo it).
func (b *Backend) classify(ctx context.Context, err error, key string) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	resp := minio.ToErrorResponse(err)
	code, what := b.codeOf(resp, err)
	if code == drivers.NotFound {
		what = "no object " + quote(key)
	}
	return &drivers.Error{Code: code, Msg: "s3 repository " + b.name + ": " + what, Err: err}
}

// codeOf maps an S3 error code, an HTTP status or a network failure to a
// drivers code and a description.
func (b *Backend) codeOf(resp minio.ErrorResponse, err error) (drivers.Code, string) {
	switch resp.Code {
	case "NoSuchKey", "NotFound":
		return drivers.NotFound, ""
	case "NoSuchBucket":
		return drivers.FailedPrecondition, "bucket " + quote(b.bucket) + " does not exist"
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken",
		"ExpiredToken", "AllAccessDisabled", "AccountProblem",
		"XAdminUserNotFound": // versitygw's answer (404) to an unknown access key

		return drivers.PermissionDenied, "access to bucket " + quote(b.bucket) + " denied (" + resp.Code + "): check the credentials"
	case "SlowDown", "TooManyRequests":
		return drivers.ResourceExhausted, "throttled (" + resp.Code + ")"
	}
	var netErr net.Error
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized:
		return drivers.PermissionDenied, "access to bucket " + quote(b.bucket) + " denied: check the credentials"
	case resp.StatusCode == http.StatusNotFound:
		return drivers.NotFound, ""
	case resp.StatusCode >= 500:
		return drivers.Unavailable, "server error " + resp.Code
	case errors.As(err, &netErr):
		return drivers.Unavailable, "endpoint unreachable"
	}
	return drivers.ErrorCode(err), "request failed"
}

func quote(s string) string { return "\"" + s + "\"" }
