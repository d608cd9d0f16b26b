package s3

import (
	"context"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/dpsdk/dataprotection/repository"
)

// Get opens the object with one GET: the body is one version of it, even
// if it is overwritten while read.
func (b *Backend) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	core := minio.Core{Client: b.client}
	body, _, _, err := core.GetObject(ctx, b.bucket, b.ObjectName(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, b.classify(ctx, err, key)
	}
	return &reader{rc: body, b: b, ctx: ctx, key: key}, nil
}

// reader classifies the errors of a body.
type reader struct {
	rc  io.ReadCloser
	b   *Backend
	ctx context.Context
	key string
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if err != nil && err != io.EOF {
		err = r.b.classify(r.ctx, err, r.key)
	}
	return n, err
}

func (r *reader) Close() error { return r.rc.Close() }

// Stat asks for the object's size and time.
func (b *Backend) Stat(ctx context.Context, key string) (repository.Attributes, error) {
	info, err := b.client.StatObject(ctx, b.bucket, b.ObjectName(key), minio.StatObjectOptions{})
	if err != nil {
		return repository.Attributes{}, b.classify(ctx, err, key)
	}
	return repository.Attributes{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Delete removes the object; S3 deletes are idempotent.
func (b *Backend) Delete(ctx context.Context, key string) error {
	err := b.client.RemoveObject(ctx, b.bucket, b.ObjectName(key), minio.RemoveObjectOptions{})
	return b.classify(ctx, err, key)
}

// List returns one page with ListObjectsV2, starting after the page token
// (the last key returned).
func (b *Backend) List(ctx context.Context, opts repository.ListOptions) (repository.ListPage, error) {
	size := opts.PageSize
	if size <= 0 {
		size = repository.DefaultPageSize
	}
	lopts := minio.ListObjectsOptions{Prefix: b.prefix + opts.Prefix, Recursive: true, MaxKeys: min(size+1, 1000)}
	if opts.PageToken != "" {
		lopts.StartAfter = b.prefix + opts.PageToken
	}
	var page repository.ListPage
	for info := range b.client.ListObjectsIter(ctx, b.bucket, lopts) {
		if info.Err != nil {
			return repository.ListPage{}, b.classify(ctx, info.Err, opts.Prefix)
		}
		if len(page.Objects) == size {
			page.NextPageToken = page.Objects[size-1].Key
			break
		}
		key := info.Key[len(b.prefix):]
		page.Objects = append(page.Objects, repository.Attributes{Key: key, Size: info.Size, ModTime: info.LastModified})
	}
	return page, nil
}
