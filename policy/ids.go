package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/types"
)

// TaskID returns the deterministic ID of one step of one attempt of the work
// of the object with this name and UID: a DNS-1123 label of at most 63
// characters, "<name prefix>-<8 hex of the UID>-<attempt>-<step>". The same
// inputs always give the same ID, which is what makes a driver's Start
// idempotent across engine restarts. step must be short lowercase
// alphanumerics and '-' (such as "main", "pre-0", "hook-post").
func TaskID(name string, uid types.UID, attempt int, step string) string {
	sum := sha256.Sum256([]byte(uid))
	suffix := fmt.Sprintf("-%s-%d-%s", hex.EncodeToString(sum[:4]), attempt, step)
	prefix := labelSafe(name)
	if max := 63 - len(suffix); len(prefix) > max {
		prefix = strings.TrimRight(prefix[:max], "-")
	}
	if prefix == "" {
		prefix = "t"
	}
	return prefix + suffix
}

// labelSafe maps a DNS-1123 subdomain to label characters.
func labelSafe(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
