package repopush

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/repotest"
	"github.com/dpsdk/dataprotection/repository/s3"
)

// The modes of a Push.
const (
	// PushPipeline streams the file through the repository pipeline.
	PushPipeline = "pipeline"
	// PushRaw uploads the file with minio-go's PutObject.
	PushRaw = "raw"
)

// Options configure one push.
type Options struct {
	// Endpoint, Region, AccessKey and SecretKey reach the S3 server
	// (plain HTTP, path-style).
	Endpoint, Region, AccessKey, SecretKey string
	// Bucket exists.
	Bucket string
	// File holds the data, written by WriteDumpFile.
	File string
	// Mode is PushPipeline or PushRaw.
	Mode string
	// Key is the backup key (pipeline) or object name (raw).
	Key string
	// Concurrency is the pipeline's zstd goroutines (0: the default, 1).
	Concurrency int
}

// Result is one push.
type Result struct {
	// Mode is PushPipeline or PushRaw.
	Mode string
	// Logical is the size of the file; Stored the bytes uploaded.
	Logical, Stored int64
	// Took is the push's time, manifest included.
	Took time.Duration
	// PeakRSS is the pushing process's VmHWM at the end.
	PeakRSS int64
}

// WriteDumpFile writes size bytes of pg_dump-like data to path.
func WriteDumpFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, repotest.DumpLike(7, size)); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// Push pushes o.File once and measures it.
func Push(ctx context.Context, o Options) (Result, error) {
	f, err := os.Open(o.File)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Result{}, err
	}
	res := Result{Mode: o.Mode, Logical: info.Size()}
	start := time.Now()
	switch o.Mode {
	case PushPipeline:
		res.Stored, err = pushPipeline(ctx, o, f)
	case PushRaw:
		res.Stored, err = pushRaw(ctx, o, f, info.Size())
	default:
		err = fmt.Errorf("unknown push mode %q", o.Mode)
	}
	res.Took = time.Since(start)
	res.PeakRSS = PeakRSS()
	return res, err
}

// pushPipeline writes one backup of one object, encrypted to a fresh
// recipient (the writer never holds the identity).
func pushPipeline(ctx context.Context, o Options, src io.Reader) (int64, error) {
	b, err := s3.Open(s3.Config{Endpoint: o.Endpoint, Bucket: o.Bucket, Region: o.Region, PathStyle: true,
		Insecure: true, Credentials: s3.Credentials{AccessKeyID: o.AccessKey, SecretAccessKey: o.SecretKey}})
	if err != nil {
		return 0, err
	}
	repo := repository.New(b, b.Name())
	defer repo.Close()
	_, recipient, err := repository.NewIdentity()
	if err != nil {
		return 0, err
	}
	w, err := repo.NewBackup(o.Key, &repository.WriteOptions{Recipients: []string{recipient}, Concurrency: o.Concurrency})
	if err != nil {
		return 0, err
	}
	// Hide the file's ReaderAt and size: the pipeline streams.
	obj, err := w.Put(ctx, "dump.sql", struct{ io.Reader }{src}, 0o600)
	if err != nil {
		return 0, err
	}
	_, err = w.Commit(ctx)
	return obj.StoredSize, err
}

// pushRaw is the baseline: PutObject of the file with its size.
func pushRaw(ctx context.Context, o Options, f *os.File, size int64) (int64, error) {
	c, err := minio.New(o.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Region: o.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		return 0, err
	}
	info, err := c.PutObject(ctx, o.Bucket, o.Key, f, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	return info.Size, err
}
