package repository

import (
	"strings"
	"unicode/utf8"

	"github.com/dpsdk/dataprotection/drivers"
)

// MaxKeyLength is the longest key accepted, in bytes (S3's limit).
const MaxKeyLength = 1024

// ValidateKey reports whether key is a valid repository key: a relative
// slash-separated path of at most MaxKeyLength bytes of valid UTF-8, with no
// empty segment (so no leading or trailing slash and no "//"), no "." or
// ".." segment, no backslash and no control character. The error's code is
// InvalidArgument. Repository checks every key with it before calling its
// Backend.
func ValidateKey(key string) error {
	switch {
	case key == "":
		return keyError(key, "is empty")
	case len(key) > MaxKeyLength:
		return keyError(key, "is longer than 1024 bytes")
	case !utf8.ValidString(key):
		return keyError(key, "is not valid UTF-8")
	case strings.ContainsRune(key, '\\'):
		return keyError(key, "contains a backslash")
	case strings.IndexFunc(key, isControl) >= 0:
		return keyError(key, "contains a control character")
	}
	return validateSegments(key)
}

// ValidatePrefix reports whether prefix may start a valid key: empty, or
// such that prefix followed by a letter is a valid key. The error's code is
// InvalidArgument.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if ValidateKey(prefix+"x") != nil {
		return keyError(prefix, "is not a valid key prefix")
	}
	return nil
}

// validateSegments checks the segments of a key without control characters.
func validateSegments(key string) error {
	if strings.HasPrefix(key, "/") {
		return keyError(key, "is absolute")
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return keyError(key, "has an empty segment")
		case ".", "..":
			return keyError(key, "has a \".\" or \"..\" segment")
		}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// keyError is an InvalidArgument error naming the key, quoted so that odd
// bytes cannot forge a message.
func keyError(key, why string) error {
	if len(key) > 80 {
		key = key[:80] + "..."
	}
	return drivers.Errorf(drivers.InvalidArgument, "repository: key %q %s", key, why)
}

// JoinKey joins key segments with slashes. It does not validate the result.
func JoinKey(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(strings.Trim(s, "/"))
	}
	return b.String()
}
