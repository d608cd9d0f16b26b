package repository

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// DecodeManifest parses and checks a manifest read from the backup stored
// under backupKey. It refuses, with an ErrCorrupt error, anything this
// package would not have written: another format version or backup key,
// unknown compression or encryption, invalid or repeated names, keys other
// than the ones derived from the backup key and the name (so a manifest
// never steers a read elsewhere), negative sizes, malformed checksums,
// more than MaxObjects entries, trailing data.
func DecodeManifest(data []byte, backupKey string) (*Manifest, error) {
	if len(data) > MaxManifestSize {
		return nil, corruptf("manifest is larger than %d bytes", MaxManifestSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, corruptf("manifest is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, corruptf("manifest has trailing data")
	}
	if err := m.check(backupKey); err != nil {
		return nil, corruptf("manifest: %v", err)
	}
	return &m, nil
}

func (m *Manifest) check(backupKey string) error {
	switch {
	case m.FormatVersion != FormatVersion:
		return fmt.Errorf("format version %d, want %d", m.FormatVersion, FormatVersion)
	case m.BackupKey != backupKey:
		return fmt.Errorf("written for backup %q", m.BackupKey)
	case m.Compression != CompressionZstd && m.Compression != CompressionNone:
		return fmt.Errorf("unknown compression %q", m.Compression)
	case len(m.Objects) > MaxObjects:
		return fmt.Errorf("%d objects, more than %d", len(m.Objects), MaxObjects)
	}
	if err := m.checkEncryption(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(m.Objects))
	for i, o := range m.Objects {
		if err := o.check(backupKey, m.Encrypted()); err != nil {
			return fmt.Errorf("object %d: %w", i, err)
		}
		if seen[o.Name] {
			return fmt.Errorf("object %d: name %q repeated", i, o.Name)
		}
		seen[o.Name] = true
	}
	return nil
}

func (m *Manifest) checkEncryption() error {
	switch m.Encryption {
	case encryptionNone:
		if len(m.Recipients) > 0 {
			return fmt.Errorf("recipients without encryption")
		}
	case encryptionAge:
		if len(m.Recipients) == 0 {
			return fmt.Errorf("encryption without recipients")
		}
		if _, err := parseRecipients(m.Recipients); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown encryption %q", m.Encryption)
	}
	return nil
}

func (o *Object) check(backupKey string, encrypted bool) error {
	if err := ValidateKey(o.Name); err != nil {
		return fmt.Errorf("invalid name")
	}
	if o.Mode&^0o777 != 0 {
		return fmt.Errorf("mode %o has bits beyond permissions", o.Mode)
	}
	switch o.Type {
	case TypeDir:
		if o.Key != "" || o.Size != 0 || o.StoredSize != 0 || o.SHA256 != "" || o.LogicalSHA256 != "" {
			return fmt.Errorf("directory %q with data", o.Name)
		}
	case TypeFile:
		return o.checkFile(backupKey, encrypted)
	default:
		return fmt.Errorf("unknown type %q", o.Type)
	}
	return nil
}

func (o *Object) checkFile(backupKey string, encrypted bool) error {
	switch {
	case o.Key != objectKey(backupKey, o.Name):
		return fmt.Errorf("key %q is not the key of %q", o.Key, o.Name)
	case o.Size < 0 || o.StoredSize < 0:
		return fmt.Errorf("negative size")
	case !isHexSHA256(o.SHA256):
		return fmt.Errorf("malformed sha256")
	case encrypted && !strings.HasPrefix(o.LogicalSHA256, sealedPrefix):
		return fmt.Errorf("logical sha256 not sealed")
	case !encrypted && !isHexSHA256(o.LogicalSHA256):
		return fmt.Errorf("malformed logical sha256")
	}
	return nil
}

func isHexSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32 && s == strings.ToLower(s)
}
