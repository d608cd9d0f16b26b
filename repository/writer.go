package repository

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"

	"github.com/dpsdk/dataprotection/drivers"
)

// BackupWriter writes the objects of one backup and then its manifest.
// Create it with Repository.NewBackup; call Put for each object and Commit
// at the end. Until Commit the backup does not exist for readers. A
// BackupWriter is not safe for concurrent use.
type BackupWriter struct {
	r        *Repository
	key      string
	p        *pipeline
	enc      *encoder
	manifest Manifest
	names    map[string]bool
	done     bool
}

// CommitResult is what Commit wrote.
type CommitResult struct {
	// Manifest is the manifest written.
	Manifest *Manifest
	// ManifestKey is the key of the manifest.
	ManifestKey string
	// ManifestSHA256 is the hex sha256 of the manifest's bytes; keep it
	// outside the repository and pass it to ReadOptions.ManifestSHA256.
	ManifestSHA256 string
}

// NewBackup starts a backup under backupKey, a valid key such as
// "ns/backup-name". It writes nothing yet; a manifest already under the
// key is replaced at Commit.
func (r *Repository) NewBackup(backupKey string, opts *WriteOptions) (*BackupWriter, error) {
	if err := ValidateKey(backupKey); err != nil {
		return nil, err
	}
	p, err := opts.pipeline()
	if err != nil {
		return nil, r.backupError(backupKey, err)
	}
	recipients, err := parseRecipients(p.recipients)
	if err != nil {
		return nil, r.backupError(backupKey, err)
	}
	m := Manifest{FormatVersion: FormatVersion, BackupKey: backupKey, Created: p.now().UTC(),
		Compression: p.compression, Encryption: encryptionNone, Objects: []Object{}}
	if len(recipients) > 0 {
		m.Encryption, m.Recipients = encryptionAge, append([]string(nil), p.recipients...)
	}
	enc := &encoder{p: p, recipients: recipients}
	return &BackupWriter{r: r, key: backupKey, p: p, enc: enc, manifest: m, names: map[string]bool{}}, nil
}

// Put streams src, of any length, through the pipeline into the object
// name (a valid key, relative to the backup) and records it in the
// manifest. mode's permission bits are recorded (0 for none). Memory stays
// bounded whatever the size. When src fails or ctx ends, nothing is
// recorded and no object becomes visible.
func (w *BackupWriter) Put(ctx context.Context, name string, src io.Reader, mode fs.FileMode) (Object, error) {
	if err := w.checkName(name); err != nil {
		return Object{}, w.r.backupError(w.key, err)
	}
	key := objectKey(w.key, name)
	if err := ValidateKey(key); err != nil {
		return Object{}, w.r.objectError(w.key, name, err)
	}
	obj, err := w.store(ctx, key, src)
	if err != nil {
		return Object{}, w.r.objectError(w.key, name, err)
	}
	obj.Name, obj.Mode = name, uint32(mode.Perm())
	w.names[name] = true
	w.manifest.Objects = append(w.manifest.Objects, obj)
	return obj, nil
}

// store runs the encoder in a goroutine that feeds the Backend's Put
// through a pipe, hashing the stored bytes on the way.
func (w *BackupWriter) store(ctx context.Context, key string, src io.Reader) (Object, error) {
	pr, pw := io.Pipe()
	result := make(chan encoded, 1)
	go func() {
		res := w.enc.encode(pw, src)
		pw.CloseWithError(res.err)
		result <- res
	}()
	stored := newHashingReader(pr)
	err := w.r.b.Put(ctx, key, stored)
	pr.CloseWithError(errPutEnded)
	res := <-result
	if err == nil && res.err != nil {
		err = res.err
	}
	if err != nil {
		return Object{}, err
	}
	obj := Object{Key: key, Size: res.size, StoredSize: stored.n, SHA256: stored.sum(), LogicalSHA256: res.sum}
	if len(w.enc.recipients) > 0 {
		if obj.LogicalSHA256, err = seal(res.sum, w.enc.recipients); err != nil {
			return Object{}, err
		}
	}
	return obj, nil
}

// errPutEnded stops an encoder whose Backend Put returned early.
var errPutEnded = errors.New("repository: upload ended")

// Mkdir records a directory in the manifest, for trees (PushDir).
func (w *BackupWriter) Mkdir(name string, mode fs.FileMode) error {
	if err := w.checkName(name); err != nil {
		return w.r.backupError(w.key, err)
	}
	w.names[name] = true
	w.manifest.Objects = append(w.manifest.Objects, Object{Name: name, Type: TypeDir, Mode: uint32(mode.Perm())})
	return nil
}

func (w *BackupWriter) checkName(name string) error {
	switch {
	case w.done:
		return drivers.Errorf(drivers.FailedPrecondition, "backup writer closed")
	case w.names[name]:
		return drivers.Errorf(drivers.AlreadyExists, "object %q already written", name)
	case len(w.manifest.Objects) >= MaxObjects:
		return drivers.Errorf(drivers.ResourceExhausted, "more than %d objects", MaxObjects)
	}
	return ValidateKey(name)
}

// Commit writes the manifest, which makes the backup visible, and releases
// the writer. When it fails the backup stays invisible and Commit may be
// called again.
func (w *BackupWriter) Commit(ctx context.Context) (CommitResult, error) {
	if w.done {
		return CommitResult{}, w.r.backupError(w.key, drivers.Errorf(drivers.FailedPrecondition, "backup writer closed"))
	}
	data, err := w.manifest.encode()
	if err != nil {
		return CommitResult{}, w.r.backupError(w.key, drivers.WithCode(drivers.Internal, err))
	}
	key := manifestKey(w.key)
	if err := w.r.b.Put(ctx, key, bytes.NewReader(data)); err != nil {
		return CommitResult{}, w.r.backupError(w.key, err)
	}
	w.Close()
	sum := sha256.Sum256(data)
	m := w.manifest
	return CommitResult{Manifest: &m, ManifestKey: key, ManifestSHA256: hex.EncodeToString(sum[:])}, nil
}

// Close releases the writer without committing; objects already written
// stay (DeleteBackup removes them). It is safe to call after Commit.
func (w *BackupWriter) Close() {
	if !w.done {
		w.done = true
		w.enc.close()
	}
}
