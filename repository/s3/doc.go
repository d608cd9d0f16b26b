// Package s3 is a repository.Backend over S3-compatible object storage,
// through github.com/minio/minio-go/v7: AWS S3, MinIO, versitygw, Ceph RGW
// and the like.
//
// Config names the endpoint, bucket, key prefix and region, path-style or
// virtual-host addressing, TLS (on by default, with an optional CA bundle)
// and static Credentials. Credentials never appear in an error or in
// fmt's output of a Config.
//
// Put reads up to 1 MiB first: a smaller object goes in one PUT. A larger
// one, of unknown length, is streamed as a multipart upload that is
// completed only after the reader's end, so that until then the object is
// not visible. When the reader fails or ctx ends, the upload is aborted
// (with a context of its own, so a cancelled ctx still cleans up) and its
// parts are dropped. One part uploads while the next is read, so memory
// per Put is two parts: Config.PartSize (5 MiB, S3's smallest, by default)
// for the first 1,000 parts, doubling every 1,000 parts up to 512 MiB, so
// that the 10,000 parts S3 allows hold over 2 TiB.
//
// Errors carry drivers codes and name the endpoint and bucket: NotFound for
// a missing key, FailedPrecondition for a missing bucket, PermissionDenied
// for rejected credentials or a denied request, Unavailable for an endpoint
// that cannot be reached or answers 5xx, ResourceExhausted for throttling.
package s3
