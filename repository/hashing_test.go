package repository

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hash computed aside is the sha256 of every byte read, whatever the
// sizes of the reads (smaller and larger than the hasher's buffers).
func TestHashAsideHashesWhatWasRead(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), (3*asideChunk+123)/16)
	want := sha256.Sum256(data)
	for _, read := range []struct {
		name string
		wrap func(io.Reader) io.Reader
		size int
	}{
		{"one byte at a time", iotest.OneByteReader, 1},
		{"half a buffer", nil, asideChunk / 2},
		{"several buffers at once", nil, 2*asideChunk + 7},
	} {
		t.Run(read.name, func(t *testing.T) {
			var src io.Reader = bytes.NewReader(data)
			if read.wrap != nil {
				src = read.wrap(src)
			}
			hr := newHashAsideReader(src)
			var got bytes.Buffer
			_, err := io.CopyBuffer(&got, struct{ io.Reader }{hr}, make([]byte, read.size))
			require.NoError(t, err)
			assert.Equal(t, data, got.Bytes(), "the bytes pass through unchanged")
			assert.Equal(t, int64(len(data)), hr.n)
			assert.Equal(t, hex.EncodeToString(want[:]), hr.finish())
		})
	}
	empty := sha256.Sum256(nil)
	assert.Equal(t, hex.EncodeToString(empty[:]), newHashAsideReader(bytes.NewReader(nil)).finish(), "nothing read")
}
