package drivers

import (
	"crypto/sha256"
	"encoding/hex"
)

// AggregateChecksum is the checksum of a backup made of arts, the contract
// between every producer of it (the engine records it as
// status.manifests.backupTool.checkSum; the Job driver's script computes it
// in the pod when the list of files does not fit its termination message):
//
//   - no artifact: "";
//   - one artifact: its own Checksum;
//   - several: "sha256:" and the lowercase hex SHA-256 of the bytes
//     "<Checksum>  <Path>\n" of each artifact in turn — its Checksum as it
//     is ("sha256:<hex>"), two spaces, its Path (slash-separated, relative
//     to BACKUP_DIR), one newline — in the order of arts, which drivers sort
//     by Path, byte by byte (Go's string order, LC_ALL=C sort).
func AggregateChecksum(arts []Artifact) string {
	switch len(arts) {
	case 0:
		return ""
	case 1:
		return arts[0].Checksum
	}
	h := sha256.New()
	for _, a := range arts {
		h.Write([]byte(a.Checksum + "  " + a.Path + "\n"))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
