package tardriver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// The files a backup writes into BACKUP_DIR.
const (
	// ArchiveName is the tar + gzip archive of the source directory.
	ArchiveName = "backup.tar.gz"
	// ManifestName is the manifest of the archive (JSON).
	ManifestName = "manifest.json"
)

// Manifest describes an archive and every file in it.
type Manifest struct {
	// Version of the manifest's format: 1.
	Version int `json:"version"`
	// Archive is the archive file.
	Archive FileEntry `json:"archive"`
	// Files are the regular files and directories archived, in archive
	// order; directories have no size or checksum.
	Files []FileEntry `json:"files"`
	// Skipped are the entries of the source that were not archived
	// (symbolic links, devices, sockets), slash-separated.
	Skipped []string `json:"skipped,omitempty"`
	// TotalBytes is the sum of the files' sizes.
	TotalBytes int64 `json:"totalBytes"`
}

// FileEntry is one file of a manifest.
type FileEntry struct {
	// Path is slash-separated, relative to the source directory.
	Path string `json:"path"`
	// Dir is true for a directory.
	Dir bool `json:"dir,omitempty"`
	// Mode is the permission bits.
	Mode os.FileMode `json:"mode"`
	// Size in bytes.
	Size int64 `json:"size,omitempty"`
	// SHA256 is the hex sha256 of the content.
	SHA256 string `json:"sha256,omitempty"`
}

const manifestVersion = 1

func readManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestName, err)
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("%s: unknown version %d", ManifestName, m.Version)
	}
	return &m, nil
}

// hashingWriter counts and hashes what goes through it.
type hashingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashingWriter(w io.Writer) *hashingWriter { return &hashingWriter{w: w, h: sha256.New()} }

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashingWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }
