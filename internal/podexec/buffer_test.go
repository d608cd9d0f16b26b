package podexec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHeadBufferKeepsTheBeginning(t *testing.T) {
	h := &headBuffer{max: 5}
	for _, s := range []string{"ab", "cd", "efgh", "ij"} {
		n, err := h.Write([]byte(s))
		assert.NoError(t, err)
		assert.Equal(t, len(s), n, "a write never fails, so the remote command is not blocked")
	}
	assert.Equal(t, "abcde", h.buf.String())
	assert.True(t, h.truncated)
}

func TestHeadBufferUnderTheLimitIsNotTruncated(t *testing.T) {
	h := &headBuffer{max: 5}
	_, _ = h.Write([]byte("abcde"))
	assert.Equal(t, "abcde", h.buf.String())
	assert.False(t, h.truncated)
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	tb := &tailBuffer{max: 4}
	for _, s := range []string{"ab", "cdef", strings.Repeat("x", 10) + "yz"} {
		_, _ = tb.Write([]byte(s))
	}
	assert.Equal(t, "xxyz", string(tb.bytes()))
}
