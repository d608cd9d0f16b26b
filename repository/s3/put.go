package s3

import (
	"bytes"
	"context"
	"io"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

const (
	// smallObject is the largest object sent in one PUT: Put reads this
	// much first, and goes multipart only when there is more.
	smallObject = 1 << 20
	// growEvery is the number of parts after which the part size doubles.
	growEvery = 1000
	// maxPartSize caps the doubling.
	maxPartSize = 512 << 20
	// maxParts is S3's limit on the parts of one upload.
	maxParts = 10_000
	// abortTimeout bounds the abort of a failed upload, which runs even
	// when the Put's context has ended.
	abortTimeout = time.Minute
)

// putOptions are the options of every upload.
var putOptions = minio.PutObjectOptions{ContentType: "application/octet-stream"}

// Put sends an object of up to 1 MiB in one PUT, and a larger one as a
// multipart upload that is completed only at r's end and aborted on any
// error.
func (b *Backend) Put(ctx context.Context, key string, r io.Reader) error {
	if err := repository.ValidateKey(key); err != nil {
		return err
	}
	name := b.ObjectName(key)
	head := make([]byte, smallObject)
	n, err := io.ReadFull(r, head)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err = b.client.PutObject(ctx, b.bucket, name, bytes.NewReader(head[:n]), int64(n), putOptions)
		return b.classify(ctx, err, key)
	case err != nil:
		return b.classify(ctx, err, key)
	}
	return b.classify(ctx, b.putMultipart(ctx, name, io.MultiReader(bytes.NewReader(head), r)), key)
}

// putMultipart uploads r in parts and completes the upload, or aborts it.
func (b *Backend) putMultipart(ctx context.Context, name string, r io.Reader) (err error) {
	core := minio.Core{Client: b.client}
	id, err := core.NewMultipartUpload(ctx, b.bucket, name, putOptions)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
			defer cancel()
			_ = core.AbortMultipartUpload(actx, b.bucket, name, id)
		}
	}()
	parts, err := b.uploadParts(ctx, core, name, id, r)
	if err != nil {
		return err
	}
	_, err = core.CompleteMultipartUpload(ctx, b.bucket, name, id, parts, putOptions)
	return err
}

// uploadParts sends r in parts of PartSize, doubled every growEvery parts
// (up to maxPartSize), so that memory is one part and objects may be large.
func (b *Backend) uploadParts(ctx context.Context, core minio.Core, name, id string, r io.Reader) ([]minio.CompletePart, error) {
	var parts []minio.CompletePart
	buf := make([]byte, b.partSize)
	for n := 1; n <= maxParts; n++ {
		if n%growEvery == 1 && n > 1 && len(buf) < maxPartSize {
			buf = make([]byte, 2*len(buf))
		}
		k, rerr := io.ReadFull(r, buf)
		last := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if rerr != nil && !last {
			return nil, rerr
		}
		if k == 0 && n > 1 {
			return parts, nil
		}
		p, err := core.PutObjectPart(ctx, b.bucket, name, id, n, bytes.NewReader(buf[:k]), int64(k), minio.PutObjectPartOptions{})
		if err != nil {
			return nil, err
		}
		parts = append(parts, minio.CompletePart{PartNumber: n, ETag: p.ETag})
		if last {
			return parts, nil
		}
	}
	return nil, drivers.Errorf(drivers.ResourceExhausted, "object larger than %d parts", maxParts)
}
