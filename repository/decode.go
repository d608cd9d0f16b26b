package repository

import (
	"context"
	"io"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/dpsdk/dataprotection/drivers"
)

// maxWindow bounds the zstd window a stored object may ask for, and so the
// memory of reading one (the writer's windows are smaller).
const maxWindow = 32 << 20

// objectReader turns stored bytes back into logical bytes and checks both
// against the manifest at the end.
type objectReader struct {
	ctx     context.Context
	obj     Object
	want    string // hex sha256 of the logical bytes
	body    io.ReadCloser
	rec     *errRecorder
	stored  *hashingReader
	zd      *zstd.Decoder
	logical *hashingReader
	err     error // sticky
}

// openObject opens obj for reading, decrypting with the backup's
// identities.
func (b *Backup) openObject(ctx context.Context, obj Object) (*objectReader, error) {
	want, err := b.logicalSum(obj)
	if err != nil {
		return nil, err
	}
	body, err := b.r.b.Get(ctx, obj.Key)
	if drivers.IsNotFound(err) {
		return nil, corruptf("the stored object is missing")
	}
	if err != nil {
		return nil, err
	}
	o := &objectReader{ctx: ctx, obj: obj, want: want, body: body}
	o.rec = &errRecorder{r: io.LimitReader(body, obj.StoredSize+1)}
	o.stored = newHashingReader(o.rec)
	if err := o.decoders(b.m, b.ids); err != nil {
		_ = o.Close()
		return nil, err
	}
	return o, nil
}

// logicalSum returns the logical checksum of obj, unsealed when the
// backup is encrypted.
func (b *Backup) logicalSum(obj Object) (string, error) {
	if !b.m.Encrypted() {
		return obj.LogicalSHA256, nil
	}
	if len(b.ids) == 0 {
		return "", drivers.Errorf(drivers.PermissionDenied, "the backup is encrypted and no identity was given")
	}
	sum, err := unseal(obj.LogicalSHA256, b.ids)
	if isNoIdentityMatch(err) {
		return "", errNoIdentity
	}
	return sum, err
}

var errNoIdentity = drivers.Errorf(drivers.PermissionDenied, "no identity matches the backup's recipients")

func (o *objectReader) decoders(m *Manifest, ids []age.Identity) error {
	var src io.Reader = o.stored
	if m.Encrypted() {
		ar, err := age.Decrypt(src, ids...)
		if err != nil {
			return o.failure(err)
		}
		src = ar
	}
	if m.Compression == CompressionZstd {
		zd, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(maxWindow), zstd.WithDecoderMaxMemory(2*maxWindow))
		if err != nil {
			return o.failure(err)
		}
		o.zd, src = zd, zd
	}
	o.logical = newHashingReader(io.LimitReader(src, o.obj.Size+1))
	return nil
}

// Read returns logical bytes; at their end it checks the object.
func (o *objectReader) Read(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.logical.Read(p)
	if over := o.logical.n - o.obj.Size; over > 0 {
		n, err = n-int(over), corruptf("longer than the manifest's %d bytes", o.obj.Size)
	}
	switch {
	case err == io.EOF:
		if err = o.finish(); err == nil {
			err = io.EOF
		}
	case err != nil:
		err = o.failure(err)
	}
	o.err = err
	return n, err
}

// finish drains the stored bytes the decoders left and compares sizes and
// checksums with the manifest.
func (o *objectReader) finish() error {
	if _, err := io.Copy(io.Discard, o.stored); err != nil {
		return o.failure(err)
	}
	switch {
	case o.stored.n != o.obj.StoredSize:
		return corruptf("%d bytes stored, the manifest says %d", o.stored.n, o.obj.StoredSize)
	case o.stored.sum() != o.obj.SHA256:
		return corruptf("sha256 of the stored bytes differs from the manifest")
	case o.logical.n != o.obj.Size:
		return corruptf("%d logical bytes, the manifest says %d", o.logical.n, o.obj.Size)
	case o.logical.sum() != o.want:
		return corruptf("sha256 of the logical bytes differs from the manifest")
	}
	return nil
}

// failure classifies an error of the decoders: the transport's own error
// when the stored bytes could not be read, age's when no identity matched,
// corruption otherwise.
func (o *objectReader) failure(err error) error {
	switch {
	case drivers.ErrorCode(err) == drivers.FailedPrecondition:
		return err
	case o.rec.err != nil:
		return o.rec.err
	case o.ctx.Err() != nil:
		return o.ctx.Err()
	case isNoIdentityMatch(err):
		return errNoIdentity
	}
	return corruptf("does not decode: %v", err)
}

// Close releases the decoders and the stored object.
func (o *objectReader) Close() error {
	if o.zd != nil {
		o.zd.Close()
	}
	return o.body.Close()
}
