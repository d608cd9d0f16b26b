package tardriver

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
)

// Extract restores the archive in dir (backup.tar.gz and manifest.json, as
// Archive wrote them) into target, which it creates when missing. It first
// checks the archive's size and sha256 against the manifest, then extracts
// it, checking that every entry is listed in the manifest, stays inside
// target, and has the listed size and sha256; files already in target are
// replaced. A file that does not match is removed and Extract fails. It
// stops with ctx's error when ctx is done.
func Extract(ctx context.Context, dir, target string) (*Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	archive := filepath.Join(dir, ArchiveName)
	if err := verifyFile(archive, m.Archive); err != nil {
		return nil, err
	}
	want := map[string]FileEntry{}
	for _, f := range m.Files {
		want[f.Path] = f
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ArchiveName, err)
	}
	tr := tar.NewReader(gz)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ArchiveName, err)
		}
		if err := extractEntry(tr, hdr, target, want); err != nil {
			return nil, err
		}
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("%s lacks %d file(s) of the manifest", ArchiveName, len(want))
	}
	return m, nil
}

// extractEntry writes one entry under target and checks it against (and
// removes it from) want.
func extractEntry(tr *tar.Reader, hdr *tar.Header, target string, want map[string]FileEntry) error {
	name := path.Clean(hdr.Name)
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("archive entry %q would be written outside the target directory", hdr.Name)
	}
	entry, ok := want[name]
	if !ok {
		return fmt.Errorf("archive entry %q is not in the manifest", hdr.Name)
	}
	delete(want, name)
	dst := filepath.Join(target, filepath.FromSlash(name))
	switch {
	case hdr.Typeflag == tar.TypeDir && entry.Dir:
		return os.MkdirAll(dst, entry.Mode.Perm()|0o700)
	case hdr.Typeflag != tar.TypeReg || entry.Dir:
		return fmt.Errorf("archive entry %q: type %q does not match the manifest", hdr.Name, hdr.Typeflag)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	_ = os.Remove(dst) // replace, never write through an existing link
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, entry.Mode.Perm())
	if err != nil {
		return err
	}
	hw := newHashingWriter(out)
	_, err = io.Copy(hw, tr)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && (hw.n != entry.Size || hw.sum() != entry.SHA256) {
		err = fmt.Errorf("%s: size %d sha256 %s, the manifest says size %d sha256 %s", name, hw.n, hw.sum(), entry.Size, entry.SHA256)
	}
	if err != nil {
		_ = os.Remove(dst)
		return err
	}
	return nil
}

// verifyFile checks a file's size and sha256 against e.
func verifyFile(p string, e FileEntry) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	hw := newHashingWriter(io.Discard)
	if _, err := io.Copy(hw, f); err != nil {
		return err
	}
	if hw.n != e.Size || hw.sum() != e.SHA256 {
		return fmt.Errorf("%s: size %d sha256 %s, the manifest says size %d sha256 %s: the backup is corrupt",
			filepath.Base(p), hw.n, hw.sum(), e.Size, e.SHA256)
	}
	return nil
}
