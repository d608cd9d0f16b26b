// Package s3 is a repository.Backend over S3-compatible object storage,
// through github.com/minio/minio-go/v7: AWS S3, MinIO, versitygw, Ceph RGW
// and the like.
//
// Config names the endpoint, bucket, key prefix and region, path-style or
// virtual-host addressing, TLS (on by default, with an optional CA bundle)
// and static Credentials. Credentials never appear in an error or in
// fmt's output of a Config.
//
// Put streams a reader of unknown length as a multipart upload in parts of
// Config.PartSize (16 MiB by default; memory per Put is one part), and
// completes the upload only after the reader's end: until then the object
// is not visible. When the reader fails or ctx ends, the upload is aborted
// (with a context of its own, so a cancelled ctx still cleans up) and its
// parts are dropped. The number of parts of an upload is limited to 10,000
// by S3, so the largest object is 10,000 × PartSize (156 GiB at 16 MiB).
//
// Errors carry drivers codes and name the endpoint and bucket: NotFound for
// a missing key, FailedPrecondition for a missing bucket, PermissionDenied
// for rejected credentials or a denied request, Unavailable for an endpoint
// that cannot be reached or answers 5xx, ResourceExhausted for throttling.
package s3
