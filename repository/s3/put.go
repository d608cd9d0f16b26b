package s3

import (
	"bytes"
	"cmp"
	"context"
	"errors"
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
// (up to maxPartSize): memory is two parts, one uploading while the next
// is read, so that producing the data and sending it overlap.
func (b *Backend) uploadParts(ctx context.Context, core minio.Core, name, id string, r io.Reader) ([]minio.CompletePart, error) {
	u := &uploader{ctx: ctx, core: core, bucket: b.bucket, name: name, id: id}
	var bufs [2][]byte
	size := b.partSize
	for n := 1; n <= maxParts; n++ {
		if n%growEvery == 1 && n > 1 && size < maxPartSize {
			size *= 2
		}
		if int64(len(bufs[n%2])) != size {
			bufs[n%2] = make([]byte, size)
		}
		k, rerr := io.ReadFull(r, bufs[n%2])
		last := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if err := u.wait(); err != nil || (rerr != nil && !last) {
			return nil, cmp.Or(err, rerr)
		}
		if k == 0 && n > 1 {
			return u.parts, nil
		}
		u.start(n, bufs[n%2][:k])
		if last {
			return u.parts, u.wait()
		}
	}
	return nil, errors.Join(u.wait(), drivers.Errorf(drivers.ResourceExhausted, "object larger than %d parts", maxParts))
}

// uploader keeps at most one part upload in flight.
type uploader struct {
	ctx              context.Context
	core             minio.Core
	bucket, name, id string
	parts            []minio.CompletePart
	inflight         chan error
}

// start uploads part n of data in a goroutine; data must stay untouched
// until wait returns.
func (u *uploader) start(n int, data []byte) {
	u.inflight = make(chan error, 1)
	go func() {
		p, err := u.core.PutObjectPart(u.ctx, u.bucket, u.name, u.id, n, bytes.NewReader(data), int64(len(data)), minio.PutObjectPartOptions{})
		if err == nil {
			u.parts = append(u.parts, minio.CompletePart{PartNumber: n, ETag: p.ETag})
		}
		u.inflight <- err
	}()
}

// wait waits for the part in flight, if any.
func (u *uploader) wait() error {
	if u.inflight == nil {
		return nil
	}
	err := <-u.inflight
	u.inflight = nil
	return err
}
