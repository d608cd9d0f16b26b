package repotest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func streamCases() []testCase {
	return []testCase{
		{"large object streams", testLargeObject},
		{"reader of unknown length", testUnknownLength},
	}
}

func testLargeObject(t *testing.T, e *env) {
	n := e.h.LargeObjectSize
	require.NoError(t, e.repo.Put(e.ctx, "large/object", newData(1, n)))
	a, err := e.repo.Stat(e.ctx, "large/object")
	require.NoError(t, err)
	require.Equal(t, n, a.Size)
	rc, err := e.repo.Get(e.ctx, "large/object")
	require.NoError(t, err)
	defer rc.Close()
	sum, got, err := digest(rc)
	require.NoError(t, err)
	require.Equal(t, n, got)
	require.Equal(t, dataDigest(1, n), sum, "content of the large object")
}

// testUnknownLength feeds Put from a pipe written in odd-sized chunks, across
// the 5 MiB minimum part size of S3 multipart uploads.
func testUnknownLength(t *testing.T, e *env) {
	const n = 11<<20 + 17
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, &chunkyReader{r: newData(2, n)})
		pw.CloseWithError(err)
	}()
	require.NoError(t, e.repo.Put(e.ctx, "stream/pipe", &chunkyReader{r: pr}))
	rc, err := e.repo.Get(e.ctx, "stream/pipe")
	require.NoError(t, err)
	defer rc.Close()
	sum, got, err := digest(rc)
	require.NoError(t, err)
	require.Equal(t, int64(n), got)
	require.Equal(t, dataDigest(2, n), sum)

	small := bytes.Repeat([]byte("0123456789"), 100)
	require.NoError(t, e.repo.Put(e.ctx, "stream/small", &chunkyReader{r: bytes.NewReader(small)}))
	require.Equal(t, sha256.Sum256(small), sha256.Sum256(e.get("stream/small")))
}
