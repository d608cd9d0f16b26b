package repository

import (
	"context"
	"io/fs"
	"os"
	"path"

	"github.com/dpsdk/dataprotection/drivers"
)

// PushDir writes the tree under dir (a tool's staging BACKUP_DIR) as the
// backup under backupKey and commits it: every regular file becomes an
// object named by its slash path relative to dir, every directory an entry
// of the manifest, with permission bits kept. Files are streamed one at a
// time in lexical order, so memory stays bounded. A symbolic link or any
// other special file fails the push with InvalidArgument: a backup holds
// data, and a link restored elsewhere could point anywhere.
func (r *Repository) PushDir(ctx context.Context, backupKey, dir string, opts *WriteOptions) (CommitResult, error) {
	w, err := r.NewBackup(backupKey, opts)
	if err != nil {
		return CommitResult{}, err
	}
	defer w.Close()
	root, err := os.OpenRoot(dir)
	if err != nil {
		return CommitResult{}, r.backupError(backupKey, drivers.Errorf(drivers.InvalidArgument, "open the directory to push: %w", err))
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return w.r.backupError(backupKey, localError(err))
		}
		if name == "." {
			return nil
		}
		return w.pushEntry(ctx, root, name, d)
	})
	if err != nil {
		return CommitResult{}, err
	}
	return w.Commit(ctx)
}

// pushEntry records a directory or streams a regular file. Its errors
// name the backup and the entry.
func (w *BackupWriter) pushEntry(ctx context.Context, root *os.Root, name string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return w.r.objectError(w.key, name, localError(err))
	}
	switch {
	case d.IsDir():
		return w.Mkdir(name, info.Mode())
	case !info.Mode().IsRegular():
		return w.r.objectError(w.key, name, drivers.Errorf(drivers.InvalidArgument,
			"not a regular file or directory (%s)", info.Mode().Type()))
	}
	f, err := root.Open(path.Clean(name))
	if err != nil {
		return w.r.objectError(w.key, name, localError(err))
	}
	defer f.Close()
	_, err = w.Put(ctx, name, f, info.Mode())
	return err
}
