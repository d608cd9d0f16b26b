package v1alpha1

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

var ttlPattern = regexp.MustCompile(`^([0-9]+)([dDhH])$`)

// UpstreamTTLPattern is the pattern of retention.ttl in the CRDs, exactly
// KubeBlocks v0.5's: its character class admits a literal '|' too, so the
// API server accepts "7|". ParseTTL reads such a value, and "0d", "0h" or a
// number too large, as ErrTTLIgnored.
const UpstreamTTLPattern = `^\d+[d|D|h|H]$`

var upstreamTTLPattern = regexp.MustCompile(UpstreamTTLPattern)

// ErrTTLIgnored is wrapped by the error of ParseTTL for a ttl that upstream
// KubeBlocks v0.5 accepted (it matches UpstreamTTLPattern) but that is not a
// positive duration: "7|", "0d", "0h", or a number too large for a
// time.Duration. Upstream read such a value as 0 and deleted the policy's
// backups at once; this library accepts the policy and turns its ttl
// retention off instead: its Backups get no expiration. Validation does not
// refuse such a ttl.
var ErrTTLIgnored = errors.New("ttl retention is off: backups are kept until deleted")

// maxTTLHours bounds a ttl so that it fits in a time.Duration.
const maxTTLHours = math.MaxInt64 / int64(time.Hour)

// ParseTTL parses a retention ttl: a positive decimal number followed by d or
// D (days of 24 hours) or h or H (hours), such as "7d" or "36H". Anything
// else is an error, and a ttl is never read as 0. The error wraps
// ErrTTLIgnored when upstream accepted the value ("7|", "0d", "0h", or a
// number too large for a time.Duration, such as "99999999999999999999d"):
// such a ttl turns retention off. Any other value, such as "7", "7m", "d7",
// "" or " 7d", upstream refused too; it is invalid.
func ParseTTL(s string) (time.Duration, error) {
	d, err := parseTTL(s)
	if err != nil && upstreamTTLPattern.MatchString(s) {
		return 0, fmt.Errorf("%w (%w)", err, ErrTTLIgnored)
	}
	return d, err
}

func parseTTL(s string) (time.Duration, error) {
	m := ttlPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("invalid ttl %q: want a number followed by d, D, h or H, such as \"7d\"", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	switch {
	case err != nil: // only digits matched: the number overflows int64
		return 0, fmt.Errorf("invalid ttl %q: too long", s)
	case n == 0:
		return 0, fmt.Errorf("invalid ttl %q: the number must be positive", s)
	}
	hours := n
	if m[2] == "d" || m[2] == "D" {
		if n > maxTTLHours/24 {
			return 0, fmt.Errorf("invalid ttl %q: too long", s)
		}
		hours = n * 24
	}
	if hours > maxTTLHours {
		return 0, fmt.Errorf("invalid ttl %q: too long", s)
	}
	return time.Duration(hours) * time.Hour, nil
}
