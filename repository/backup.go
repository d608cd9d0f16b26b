package repository

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"filippo.io/age"

	"github.com/dpsdk/dataprotection/drivers"
)

// Backup is a committed backup opened for reading: its checked manifest
// and the identities to decrypt it.
type Backup struct {
	r   *Repository
	key string
	m   *Manifest
	ids []age.Identity
}

// OpenBackup reads and checks the manifest of the backup under backupKey.
// A backup without a manifest (never written, or not committed) fails with
// NotFound; a manifest that fails opts.ManifestSHA256 or its checks fails
// with ErrCorrupt (FailedPrecondition); a malformed identity with
// InvalidArgument.
func (r *Repository) OpenBackup(ctx context.Context, backupKey string, opts *ReadOptions) (*Backup, error) {
	if err := ValidateKey(backupKey); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &ReadOptions{}
	}
	ids, err := parseIdentities(opts.Identities)
	if err != nil {
		return nil, r.backupError(backupKey, err)
	}
	data, err := r.readManifest(ctx, backupKey)
	if err != nil {
		return nil, r.backupError(backupKey, err)
	}
	if err := checkManifestSum(data, opts.ManifestSHA256); err != nil {
		return nil, r.backupError(backupKey, err)
	}
	m, err := DecodeManifest(data, backupKey)
	if err != nil {
		return nil, r.backupError(backupKey, err)
	}
	return &Backup{r: r, key: backupKey, m: m, ids: ids}, nil
}

func (r *Repository) readManifest(ctx context.Context, backupKey string) ([]byte, error) {
	rc, err := r.b.Get(ctx, manifestKey(backupKey))
	if drivers.IsNotFound(err) {
		return nil, drivers.Errorf(drivers.NotFound, "no manifest: the backup does not exist or was not committed")
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxManifestSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxManifestSize {
		return nil, corruptf("manifest is larger than %d bytes", MaxManifestSize)
	}
	return data, nil
}

func checkManifestSum(data []byte, want string) error {
	if want == "" {
		return nil
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != want {
		return corruptf("manifest sha256 differs from the one recorded")
	}
	return nil
}

// Key returns the backup key.
func (b *Backup) Key() string { return b.key }

// Manifest returns the backup's manifest. The caller must not modify it.
func (b *Backup) Manifest() *Manifest { return b.m }

// Open streams the logical bytes of the object name. The reader hashes
// while it streams and, at the end, checks sizes and checksums of the
// stored and of the logical bytes: a mismatch is returned by the Read
// that would have returned io.EOF, after the bytes before it. To touch
// nothing when data is corrupt, call Verify before reading. An encrypted
// backup needs a matching identity (PermissionDenied otherwise).
func (b *Backup) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	obj, ok := b.m.Object(name)
	if !ok || obj.Type != TypeFile {
		return nil, b.r.objectError(b.key, name, drivers.Errorf(drivers.NotFound, "not in the manifest"))
	}
	rc, err := b.openObject(ctx, obj)
	if err != nil {
		return nil, b.r.objectError(b.key, name, err)
	}
	return &namedReader{rc: rc, wrap: func(err error) error { return b.r.objectError(b.key, name, err) }}, nil
}

// namedReader names the backup and object in its errors, once.
type namedReader struct {
	rc   io.ReadCloser
	wrap func(error) error
	err  error
}

func (n *namedReader) Read(p []byte) (int, error) {
	if n.err != nil {
		return 0, n.err
	}
	c, err := n.rc.Read(p)
	if err != nil && err != io.EOF {
		err = n.wrap(err)
		n.err = err
	}
	return c, err
}

func (n *namedReader) Close() error { return n.wrap(n.rc.Close()) }
