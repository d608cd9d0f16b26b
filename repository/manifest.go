package repository

import (
	"encoding/json"
	"time"
)

// FormatVersion is the manifest format this package writes and reads.
const FormatVersion = 1

// ManifestName is the name of a backup's manifest under its backup key.
const ManifestName = "manifest.json"

// Limits on a manifest, which is untrusted input when read: the work of
// reading one is bounded by them.
const (
	// MaxManifestSize is the largest manifest read, in bytes.
	MaxManifestSize = 64 << 20
	// MaxObjects is the largest number of entries in a manifest.
	MaxObjects = 1_000_000
)

// Manifest describes a backup: its objects and how they were stored. It is
// written as JSON at <backup key>/manifest.json, after every object.
type Manifest struct {
	// FormatVersion is FormatVersion.
	FormatVersion int `json:"formatVersion"`
	// BackupKey is the key the backup was written under.
	BackupKey string `json:"backupKey"`
	// Created is when the writer started.
	Created time.Time `json:"created"`
	// Compression applies to every object.
	Compression Compression `json:"compression"`
	// Encryption is "age" when objects are encrypted, "none" otherwise.
	Encryption string `json:"encryption"`
	// Recipients are the age public keys the objects are encrypted to.
	Recipients []string `json:"recipients,omitempty"`
	// Objects are the backup's entries in the order they were written.
	Objects []Object `json:"objects"`
}

// The encryptions a manifest names.
const (
	encryptionAge  = "age"
	encryptionNone = "none"
)

// The types of manifest entries.
const (
	// TypeFile is a stored object (the empty Type).
	TypeFile = ""
	// TypeDir is a directory of a tree written by PushDir; it has no data.
	TypeDir = "dir"
)

// Object is one entry of a manifest.
type Object struct {
	// Name is the entry's relative slash path within the backup.
	Name string `json:"name"`
	// Type is TypeFile or TypeDir.
	Type string `json:"type,omitempty"`
	// Key is the repository key of the stored bytes, always
	// <backup key>/data/<name>; empty for a directory.
	Key string `json:"key,omitempty"`
	// Mode holds the permission bits of a file or directory from a tree
	// (0 when unknown).
	Mode uint32 `json:"mode,omitempty"`
	// Size is the number of logical bytes: before compression and
	// encryption.
	Size int64 `json:"size"`
	// StoredSize is the number of bytes stored.
	StoredSize int64 `json:"storedSize"`
	// SHA256 is the hex sha256 of the stored bytes.
	SHA256 string `json:"sha256,omitempty"`
	// LogicalSHA256 is the hex sha256 of the logical bytes; when the
	// backup is encrypted it is itself encrypted to the recipients
	// ("age:" and base64), so that the manifest does not let anyone
	// without an identity confirm a guess of the content.
	LogicalSHA256 string `json:"logicalSha256,omitempty"`
}

// LogicalSize returns the sum of the objects' logical sizes.
func (m *Manifest) LogicalSize() int64 {
	var n int64
	for _, o := range m.Objects {
		n += o.Size
	}
	return n
}

// StoredSize returns the sum of the objects' stored sizes.
func (m *Manifest) StoredSize() int64 {
	var n int64
	for _, o := range m.Objects {
		n += o.StoredSize
	}
	return n
}

// Encrypted reports whether the objects are encrypted.
func (m *Manifest) Encrypted() bool { return m.Encryption == encryptionAge }

// Object returns the entry named name.
func (m *Manifest) Object(name string) (Object, bool) {
	for _, o := range m.Objects {
		if o.Name == name {
			return o, true
		}
	}
	return Object{}, false
}

// encode returns the manifest's JSON.
func (m *Manifest) encode() ([]byte, error) {
	return json.MarshalIndent(m, "", "  ")
}

// manifestKey returns the key of a backup's manifest.
func manifestKey(backupKey string) string { return backupKey + "/" + ManifestName }

// objectKey returns the key of a backup's object.
func objectKey(backupKey, name string) string { return backupKey + "/data/" + name }
