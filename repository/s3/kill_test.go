package s3_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/repository/repotest"
)

// TestServerKilledMidUpload kills the server after the first parts of an
// upload: the Put fails, no object is visible once the server is back, and
// the retried Put succeeds.
func TestServerKilledMidUpload(t *testing.T) {
	srv := s3env.RequireOwn(t)
	b := open(t, config(srv, srv.NewBucket(t)))
	ctx := t.Context()
	data, err := io.ReadAll(repotest.DumpLike(3, 24<<20))
	require.NoError(t, err)

	r := &killingReader{r: bytes.NewReader(data), killAt: 12 << 20, kill: srv.Kill}
	err = b.Put(ctx, "dump", r)
	require.True(t, r.killed, "the server was killed during the upload")
	require.Error(t, err)
	require.Equal(t, drivers.Unavailable, drivers.ErrorCode(err), "%v", err)

	require.NoError(t, srv.Restart(ctx))
	_, err = b.Stat(ctx, "dump")
	require.True(t, drivers.IsNotFound(err), "no object after the failed upload: %v", err)

	require.NoError(t, b.Put(ctx, "dump", bytes.NewReader(data)), "the retry")
	rc, err := b.Get(ctx, "dump")
	require.NoError(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(data), sha256.Sum256(got))
}

// killingReader calls kill once killAt bytes were read, then goes on.
type killingReader struct {
	r      io.Reader
	read   int
	killAt int
	kill   func()
	killed bool
}

func (k *killingReader) Read(p []byte) (int, error) {
	if !k.killed && k.read >= k.killAt {
		k.kill()
		k.killed = true
	}
	n, err := k.r.Read(p)
	k.read += n
	return n, err
}
