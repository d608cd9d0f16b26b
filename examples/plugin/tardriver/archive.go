package tardriver

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Archive streams the directory src into dst/backup.tar.gz (tar, gzip) and
// writes dst/manifest.json; it returns the manifest. Regular files and
// directories are archived with their permission bits, in lexical order;
// other entries are listed as skipped. The archive is written to a
// temporary file and renamed, and the manifest written last, so a backup
// directory with a manifest always holds a complete archive. It stops with
// ctx's error when ctx is done.
func Archive(ctx context.Context, src, dst string) (*Manifest, error) {
	if err := checkDisjoint(src, dst); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dst, "."+ArchiveName+".*")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	m, err := writeArchive(ctx, src, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dst, ArchiveName)); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(dst, ManifestName, append(data, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// writeArchive writes the tar + gzip stream of src to f and syncs it.
func writeArchive(ctx context.Context, src string, f *os.File) (*Manifest, error) {
	out := newHashingWriter(f)
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	m := &Manifest{Version: manifestVersion}
	err := filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		return addEntry(tw, m, path, filepath.ToSlash(rel), e)
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = gz.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return nil, err
	}
	m.Archive = FileEntry{Path: ArchiveName, Mode: 0o644, Size: out.n, SHA256: out.sum()}
	return m, nil
}

// addEntry archives one entry of the source.
func addEntry(tw *tar.Writer, m *Manifest, path, rel string, e fs.DirEntry) error {
	info, err := e.Info()
	if err != nil {
		return err
	}
	mode := info.Mode()
	switch {
	case mode.IsDir():
		m.Files = append(m.Files, FileEntry{Path: rel, Dir: true, Mode: mode.Perm()})
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: int64(mode.Perm()), ModTime: info.ModTime()})
	case !mode.IsRegular():
		m.Skipped = append(m.Skipped, rel)
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: int64(mode.Perm()), Size: info.Size(), ModTime: info.ModTime()}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	hw := newHashingWriter(tw)
	if _, err := io.Copy(hw, f); err != nil {
		return fmt.Errorf("%s: %w", rel, err) // includes a file that changed size while archived
	}
	m.Files = append(m.Files, FileEntry{Path: rel, Mode: mode.Perm(), Size: hw.n, SHA256: hw.sum()})
	m.TotalBytes += hw.n
	return nil
}

// writeFileAtomic writes dir/name through a temporary file and a rename.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// checkDisjoint fails when dst is src or inside it: the archive would
// contain itself.
func checkDisjoint(src, dst string) error {
	as, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	ad, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(as, ad); err == nil && filepath.IsLocal(rel) || as == ad {
		return fmt.Errorf("the backup directory %s is inside the source directory %s", dst, src)
	}
	return nil
}
