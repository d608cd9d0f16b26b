package repository

import (
	"context"
	"io"

	"github.com/dpsdk/dataprotection/drivers"
)

// Verify re-reads every object of the backup under backupKey and checks it
// against the manifest, writing nothing anywhere: a restore that must not
// touch its target when data is corrupt calls it first. With an identity
// (or for an unencrypted backup) it decrypts and decompresses each object
// and checks stored and logical sizes and checksums; without one it checks
// the stored bytes only. It returns nil, or the first failure, naming the
// object: ErrCorrupt (FailedPrecondition) for data that does not match,
// PermissionDenied for an identity that matches no recipient.
func (r *Repository) Verify(ctx context.Context, backupKey string, opts *ReadOptions) error {
	b, err := r.OpenBackup(ctx, backupKey, opts)
	if err != nil {
		return err
	}
	return b.Verify(ctx)
}

// Verify checks every object of the backup; see Repository.Verify.
func (b *Backup) Verify(ctx context.Context) error {
	for _, obj := range b.m.Objects {
		if obj.Type != TypeFile {
			continue
		}
		if err := b.verifyObject(ctx, obj); err != nil {
			return b.r.objectError(b.key, obj.Name, err)
		}
	}
	return nil
}

func (b *Backup) verifyObject(ctx context.Context, obj Object) error {
	if b.m.Encrypted() && len(b.ids) == 0 {
		return b.verifyStored(ctx, obj)
	}
	rc, err := b.openObject(ctx, obj)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// verifyStored checks the size and sha256 of an object's stored bytes.
func (b *Backup) verifyStored(ctx context.Context, obj Object) error {
	body, err := b.r.b.Get(ctx, obj.Key)
	if drivers.IsNotFound(err) {
		return corruptf("the stored object is missing")
	}
	if err != nil {
		return err
	}
	defer body.Close()
	stored := newHashingReader(io.LimitReader(body, obj.StoredSize+1))
	if _, err := io.Copy(io.Discard, stored); err != nil {
		return err
	}
	switch {
	case stored.n != obj.StoredSize:
		return corruptf("%d bytes stored, the manifest says %d", stored.n, obj.StoredSize)
	case stored.sum() != obj.SHA256:
		return corruptf("sha256 of the stored bytes differs from the manifest")
	}
	return nil
}

// DeleteBackup deletes the backup under backupKey: its manifest first, so
// that it stops existing at once, then every object under its data prefix,
// including those of attempts that never committed. It is idempotent.
func (r *Repository) DeleteBackup(ctx context.Context, backupKey string) error {
	if err := ValidateKey(backupKey); err != nil {
		return err
	}
	if err := r.b.Delete(ctx, manifestKey(backupKey)); err != nil {
		return r.backupError(backupKey, err)
	}
	for a, err := range r.list(ctx, backupKey+"/data/") {
		if err != nil {
			return r.backupError(backupKey, err)
		}
		if err := r.b.Delete(ctx, a.Key); err != nil {
			return r.backupError(backupKey, err)
		}
	}
	return nil
}
