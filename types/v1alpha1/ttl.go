package v1alpha1

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

var ttlPattern = regexp.MustCompile(`^([0-9]+)([dDhH])$`)

// maxTTLHours bounds a ttl so that it fits in a time.Duration.
const maxTTLHours = math.MaxInt64 / int64(time.Hour)

// ParseTTL parses a retention ttl: a positive decimal number followed by d or
// D (days of 24 hours) or h or H (hours), such as "7d" or "36H". Anything
// else, including "0d", a sign, spaces, a fraction, several units or a
// number too large for a time.Duration, is an error: a ttl is never read as 0.
func ParseTTL(s string) (time.Duration, error) {
	m := ttlPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("invalid ttl %q: want a number followed by d, D, h or H, such as \"7d\"", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	switch {
	case err != nil: // only digits matched: the number overflows int64
		return 0, fmt.Errorf("invalid ttl %q: too long", s)
	case n == 0:
		return 0, fmt.Errorf("invalid ttl %q: the number must be positive (remove the ttl to keep backups forever)", s)
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
