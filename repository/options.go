package repository

import (
	"cmp"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/dpsdk/dataprotection/drivers"
)

// Compression names how a backup's objects are compressed.
type Compression string

// The compressions.
const (
	// CompressionZstd is zstd (the default).
	CompressionZstd Compression = "zstd"
	// CompressionNone stores objects as they are.
	CompressionNone Compression = "none"
)

// WriteOptions configure a backup's pipeline. A nil *WriteOptions means
// the defaults: zstd at level 1 in one goroutine, no encryption.
type WriteOptions struct {
	// Compression is CompressionZstd when empty.
	Compression Compression
	// Level is the zstd level of github.com/klauspost/compress: 1
	// (fastest, about zstd's level 1) to 4 (best); 0 means 1. At level 1
	// a push is bound by the compressor: on 2 cores shared with a local S3
	// server, pushing pg_dump-like data took about 1.9× an upload of the
	// raw bytes and stored 3.4× fewer (bench/RESULTS.md, figure 7); level 2
	// (about zstd's 3) stores such data about 8% smaller at a third of the
	// speed.
	Level int
	// Concurrency is the number of goroutines compressing one object;
	// 0 means 1. Each one costs a few MiB of memory (a 4 MiB window). On
	// 2 cores shared with the upload, 2 was measured no faster than 1;
	// hosts with idle cores raise it.
	Concurrency int
	// Recipients are age X25519 public keys ("age1..."). When any is
	// given, every object is encrypted to all of them after compression;
	// the writer needs no secret key and cannot decrypt what it wrote.
	Recipients []string
	// Now returns the manifest's creation time; time.Now when nil.
	Now func() time.Time
	// Progress, when set, is called with the number of logical bytes
	// read from a source each time the pipeline reads more, from one
	// goroutine at a time: a counter of the bytes done.
	Progress func(n int64)
}

// ReadOptions configure the reading of a backup. A nil *ReadOptions reads
// an unencrypted backup without checking the manifest's checksum.
type ReadOptions struct {
	// Identities are age X25519 secret keys ("AGE-SECRET-KEY-1..."); one
	// must match a recipient of an encrypted backup to read its data.
	// Without any, Verify checks only the stored bytes of an encrypted
	// backup. They never appear in an error.
	Identities []string
	// ManifestSHA256, when set, is the hex sha256 the manifest must have:
	// the value BackupWriter.Commit returned, kept outside the repository
	// (the Backup's status), so that a replaced manifest is detected.
	ManifestSHA256 string
	// Progress, when set, is called with the number of logical bytes
	// each time more were read back (decrypted, decompressed), from one
	// goroutine at a time.
	Progress func(n int64)
}

// zstdWindow is the compression window: 4 MiB keeps the memory of a push
// small (measured: the same ratio as 8 MiB on pg_dump-like data). The
// encoder's lower-memory mode is not used: it copies its history for every
// block, which cost a fifth of the push's CPU.
const zstdWindow = 4 << 20

// pipeline is validated WriteOptions.
type pipeline struct {
	compression Compression
	zstdOpts    []zstd.EOption
	recipients  []string
	now         func() time.Time
	progress    func(int64)
}

func (o *WriteOptions) pipeline() (*pipeline, error) {
	if o == nil {
		o = &WriteOptions{}
	}
	p := &pipeline{compression: o.Compression, recipients: o.Recipients, now: o.Now, progress: o.Progress}
	if p.compression == "" {
		p.compression = CompressionZstd
	}
	if p.compression != CompressionZstd && p.compression != CompressionNone {
		return nil, drivers.Errorf(drivers.InvalidArgument, "unknown compression %q", o.Compression)
	}
	if o.Level < 0 || o.Level > 4 || o.Concurrency < 0 {
		return nil, drivers.Errorf(drivers.InvalidArgument, "zstd level %d or concurrency %d out of range", o.Level, o.Concurrency)
	}
	level := zstd.SpeedFastest
	if o.Level > 0 {
		level = zstd.EncoderLevel(o.Level)
	}
	p.zstdOpts = []zstd.EOption{
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(cmp.Or(o.Concurrency, 1)),
		zstd.WithWindowSize(zstdWindow),
	}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}
