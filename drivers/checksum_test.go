package drivers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dpsdk/dataprotection/drivers"
)

func TestAggregateChecksumFormat(t *testing.T) {
	a := drivers.Artifact{Path: "a.dump", Size: 1, Checksum: "sha256:" + hex.EncodeToString(make([]byte, 32))}
	b := drivers.Artifact{Path: "sub/b c", Size: 2, Checksum: "sha256:" + hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))}
	assert.Equal(t, "", drivers.AggregateChecksum(nil))
	assert.Equal(t, a.Checksum, drivers.AggregateChecksum([]drivers.Artifact{a}), "one artifact: its own checksum")
	sum := sha256.Sum256([]byte(a.Checksum + "  a.dump\n" + b.Checksum + "  sub/b c\n"))
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), drivers.AggregateChecksum([]drivers.Artifact{a, b}))
}
