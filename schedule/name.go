package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const (
	// maxNameLen is the longest DNS-1123 label, so the name also fits the
	// Jobs and pod labels derived from it.
	maxNameLen = 63
	// maxTypeLen bounds the backup type's part of a name; the API's types
	// are far shorter.
	maxTypeLen = 16
	// hashLen is the number of hex digits of the hash that keeps shortened
	// parts distinct.
	hashLen = 8
	// slotLayout formats a slot in a name: UTC, to the second.
	slotLayout = "20060102150405"
)

// BackupName returns the name of the Backup that policy schedules for
// backupType at slot: "<policy>-<type>-<slot>", with slot in UTC formatted
// 20060102150405, such as "pg-daily-datafile-20240102030000". The result is
// a DNS-1123 label (at most 63 characters of lowercase letters, digits and
// '-', starting and ending with a letter or digit) and depends only on the
// arguments, so creating the Backup is idempotent across restarts and
// replicas.
//
// A policy name that is too long, or that is not already a label (a DNS
// subdomain with '.', for example), is shortened and mapped to a label and
// followed by a short hash of the full name, so two different policies give
// different names for the same slot.
func BackupName(policy string, backupType v1alpha1.BackupType, slot time.Time) string {
	stamp := strings.Trim(sanitize(slot.UTC().Format(slotLayout)), "-")
	typ := part(string(backupType), maxTypeLen)
	rest := "-" + typ + "-" + stamp
	return part(policy, maxNameLen-len(rest)) + rest
}

// part returns s unchanged when it is a label of at most limit characters;
// otherwise it maps s to label characters, keeps as much of it as fits in
// limit next to a hash of the original s, and joins the two with '-'.
func part(s string, limit int) string {
	if len(s) <= limit && isLabel(s) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	hash := hex.EncodeToString(sum[:])[:hashLen]
	keep := limit - hashLen - 1
	prefix := sanitize(s)
	if len(prefix) > keep {
		prefix = prefix[:max(keep, 0)]
	}
	prefix = strings.Trim(prefix, "-")
	if prefix == "" {
		return hash
	}
	return prefix + "-" + hash
}

// sanitize maps s to label characters byte by byte: ASCII letters are
// lowercased, digits and '-' are kept, and every other byte becomes '-'.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + ('a' - 'A')
		case !isAlnum(c):
			b[i] = '-'
		}
	}
	return string(b)
}

// isLabel reports whether s is a non-empty run of lowercase letters, digits
// and '-' that starts and ends with a letter or digit.
func isLabel(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// isAlnum reports whether c is a lowercase ASCII letter or a digit.
func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
}
