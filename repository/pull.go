package repository

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
)

// PullDir downloads the backup under backupKey into dir, which it creates
// if needed: the inverse of PushDir. See Backup.PullDir.
func (r *Repository) PullDir(ctx context.Context, backupKey, dir string, opts *ReadOptions) error {
	b, err := r.OpenBackup(ctx, backupKey, opts)
	if err != nil {
		return err
	}
	return b.PullDir(ctx, dir)
}

// PullDir writes every entry of the backup under dir, keeping relative
// paths and permission bits (files without recorded bits get 0600). All
// writes go through an os.Root: neither a name nor a symbolic link already
// in dir can lead outside it. Each file is written to a temporary name and
// renamed into place only once it was checked, so a corrupt object never
// appears under its name; files written before it stay. To leave dir
// untouched when any object is corrupt, call Verify first.
func (b *Backup) PullDir(ctx context.Context, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return b.r.backupError(b.key, localError(err))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return b.r.backupError(b.key, localError(err))
	}
	defer root.Close()
	for _, obj := range b.m.Objects {
		if err := b.pullEntry(ctx, root, obj); err != nil {
			return b.r.objectError(b.key, obj.Name, err)
		}
	}
	return b.applyDirModes(root)
}

func (b *Backup) pullEntry(ctx context.Context, root *os.Root, obj Object) error {
	if obj.Type == TypeDir {
		return localError(root.MkdirAll(obj.Name, 0o700))
	}
	if parent := path.Dir(obj.Name); parent != "." {
		if err := root.MkdirAll(parent, 0o700); err != nil {
			return localError(err)
		}
	}
	rc, err := b.openObject(ctx, obj)
	if err != nil {
		return err
	}
	defer rc.Close()
	return localError(writeFile(root, obj, rc))
}

// writeFile writes r to a temporary file beside obj's name and renames it
// into place.
func writeFile(root *os.Root, obj Object, r io.Reader) error {
	var suffix [8]byte
	_, _ = rand.Read(suffix[:])
	tmp := path.Join(path.Dir(obj.Name), ".dp-pull-"+hex.EncodeToString(suffix[:]))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && obj.Mode != 0 {
		err = root.Chmod(tmp, fs.FileMode(obj.Mode).Perm())
	}
	if err == nil {
		err = root.Rename(tmp, obj.Name)
	}
	if err != nil {
		_ = root.Remove(tmp)
	}
	return err
}

// applyDirModes sets the recorded bits of directories, deepest first, once
// their files are written.
func (b *Backup) applyDirModes(root *os.Root) error {
	for _, obj := range slices.Backward(b.m.Objects) {
		if obj.Type != TypeDir || obj.Mode == 0 {
			continue
		}
		if err := root.Chmod(obj.Name, fs.FileMode(obj.Mode).Perm()); err != nil {
			return b.r.objectError(b.key, obj.Name, localError(err))
		}
	}
	return nil
}
