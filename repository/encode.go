package repository

import (
	"io"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"
)

// encoder turns logical bytes into stored bytes: compress, then encrypt.
// One encoder serves the objects of one BackupWriter, one at a time, and
// reuses its zstd state.
type encoder struct {
	p          *pipeline
	recipients []age.Recipient
	zw         *zstd.Encoder
}

// encoded is the outcome of encoding one object.
type encoded struct {
	size int64  // logical bytes read
	sum  string // hex sha256 of the logical bytes
	err  error
}

// encode reads src to the end and writes its encoding to dst, hashing the
// logical bytes beside the compressor. It holds no more than the
// compressor's window, one age chunk and the hasher's buffers.
func (e *encoder) encode(dst io.Writer, src io.Reader) encoded {
	logical := newHashAsideReader(src)
	err := e.encodeTo(dst, logical)
	return encoded{size: logical.n, sum: logical.finish(), err: err}
}

func (e *encoder) encodeTo(dst io.Writer, src io.Reader) error {
	var sealer io.WriteCloser
	if len(e.recipients) > 0 {
		w, err := age.Encrypt(dst, e.recipients...)
		if err != nil {
			return err
		}
		sealer, dst = w, w
	}
	if e.p.compression == CompressionZstd {
		if err := e.compress(dst, src); err != nil {
			return err
		}
	} else if _, err := io.Copy(dst, src); err != nil {
		return err
	}
	if sealer != nil {
		return sealer.Close()
	}
	return nil
}

func (e *encoder) compress(dst io.Writer, src io.Reader) error {
	if e.zw == nil {
		zw, err := zstd.NewWriter(dst, e.p.zstdOpts...)
		if err != nil {
			return err
		}
		e.zw = zw
	} else {
		e.zw.Reset(dst)
	}
	if _, err := e.zw.ReadFrom(src); err != nil {
		_ = e.zw.Close()
		return err
	}
	return e.zw.Close()
}

// close releases the compressor.
func (e *encoder) close() {
	if e.zw != nil {
		_ = e.zw.Close()
	}
}
