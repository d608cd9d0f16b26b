package repotest

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func concurrencyCases() []testCase {
	return []testCase{
		{"concurrent writers to different keys", testWritersDifferentKeys},
		{"concurrent writers to one key never tear", testWritersOneKey},
	}
}

func testWritersDifferentKeys(t *testing.T, e *env) {
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			errs[i] = e.repo.Put(e.ctx, fmt.Sprintf("par/%d", i), newData(uint64(100+i), 1<<20+int64(i)))
		})
	}
	wg.Wait()
	for i := range writers {
		require.NoError(t, errs[i])
		sum, n, err := digest(bytes.NewReader(e.get(fmt.Sprintf("par/%d", i))))
		require.NoError(t, err)
		require.Equal(t, int64(1<<20+i), n)
		require.Equal(t, dataDigest(uint64(100+i), n), sum)
	}
}

// testWritersOneKey races writers of distinct contents to one key, with a
// reader polling it: every read returns one writer's complete content, and
// so does the final object.
func testWritersOneKey(t *testing.T, e *env) {
	const writers, size = 6, 3 << 20
	want := map[[32]byte]bool{}
	for i := range writers {
		want[dataDigest(uint64(200+i), size)] = true
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() { errs[i] = e.repo.Put(e.ctx, "race/key", newData(uint64(200+i), size)) })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		e.readOneOf("race/key", want)
	}
	for _, err := range errs {
		require.NoError(t, err)
	}
	sum, _, err := digest(bytes.NewReader(e.get("race/key")))
	require.NoError(t, err)
	require.True(t, want[sum], "the final object is one writer's complete content")
}

// readOneOf reads key, which may be missing, and checks that its content is
// one of want.
func (e *env) readOneOf(key string, want map[[32]byte]bool) {
	rc, err := e.repo.Get(e.ctx, key)
	if drivers.IsNotFound(err) {
		return
	}
	require.NoError(e.t, err)
	defer rc.Close()
	sum, _, err := digest(io.Reader(rc))
	require.NoError(e.t, err)
	require.True(e.t, want[sum], "a read during concurrent writes returned a torn object")
}
