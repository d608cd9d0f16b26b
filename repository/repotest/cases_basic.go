package repotest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

func basicCases() []testCase {
	return []testCase{
		{"round trip", testRoundTrip},
		{"empty object", testEmptyObject},
		{"overwrite replaces the object", testOverwrite},
		{"missing key is NotFound", testMissing},
		{"delete removes and is idempotent", testDelete},
		{"stat reports sizes", testStatSizes},
	}
}

func testRoundTrip(t *testing.T, e *env) {
	data := []byte("hello, repository\n")
	e.put("ns/backup/data/file.txt", data)
	require.Equal(t, data, e.get("ns/backup/data/file.txt"))
	a, err := e.repo.Stat(e.ctx, "ns/backup/data/file.txt")
	require.NoError(t, err)
	require.Equal(t, "ns/backup/data/file.txt", a.Key)
	require.Equal(t, int64(len(data)), a.Size)
}

func testEmptyObject(t *testing.T, e *env) {
	e.put("empty", nil)
	require.Empty(t, e.get("empty"))
	a, err := e.repo.Stat(e.ctx, "empty")
	require.NoError(t, err)
	require.Zero(t, a.Size)
	require.Equal(t, []string{"empty"}, e.keys(""))
}

func testOverwrite(t *testing.T, e *env) {
	e.put("k", []byte("first version, longer"))
	e.put("k", []byte("second"))
	require.Equal(t, []byte("second"), e.get("k"))
	require.Equal(t, []string{"k"}, e.keys(""))
}

func testMissing(t *testing.T, e *env) {
	e.put("present/a", []byte("a"))
	for _, key := range []string{"absent", "present/b", "present"} {
		e.requireAbsent(key)
	}
	require.True(t, drivers.IsNotFound(func() error { _, err := e.repo.Get(e.ctx, "x/y/z"); return err }()))
}

func testDelete(t *testing.T, e *env) {
	e.put("dir/a", []byte("a"))
	e.put("dir/b", []byte("b"))
	require.NoError(t, e.repo.Delete(e.ctx, "dir/a"))
	e.requireAbsent("dir/a")
	require.NoError(t, e.repo.Delete(e.ctx, "dir/a"), "second delete")
	require.NoError(t, e.repo.Delete(e.ctx, "never/written"), "delete of a key never written")
	require.Equal(t, []byte("b"), e.get("dir/b"))
	require.NoError(t, e.repo.Delete(e.ctx, "dir/b"))
	require.Empty(t, e.keys(""))
	e.put("dir/a", []byte("again"))
	require.Equal(t, []byte("again"), e.get("dir/a"))
}

func testStatSizes(t *testing.T, e *env) {
	sizes := map[string]int{"s/0": 0, "s/1": 1, "s/4k": 4096, "s/1m3": 1<<20 + 3}
	for key, n := range sizes {
		e.put(key, bytes.Repeat([]byte{'x'}, n))
	}
	for key, n := range sizes {
		a, err := e.repo.Stat(e.ctx, key)
		require.NoError(t, err)
		require.Equal(t, int64(n), a.Size, key)
	}
	for a, err := range e.repo.List(e.ctx, "s/") {
		require.NoError(t, err)
		require.Equal(t, int64(sizes[a.Key]), a.Size, a.Key)
	}
}

func keyCases() []testCase {
	return []testCase{{"invalid keys are refused before the backend", testInvalidKeys}}
}

// invalidKeys are keys every repository refuses.
var invalidKeys = []string{"", "/abs", "../up", "a/../../b", "a/..", "a//b", "a/./b", ".",
	"a/", `a\b`, "a\x00b", "a\nb", strings.Repeat("k", 1025), "\xff"}

func testInvalidKeys(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	for _, key := range invalidKeys {
		err := e.repo.Put(ctx, key, untouchable{t})
		e.requireCode(err, drivers.InvalidArgument, "put %q", key)
		_, err = e.repo.Get(ctx, key)
		e.requireCode(err, drivers.InvalidArgument, "get %q", key)
		_, err = e.repo.Stat(ctx, key)
		e.requireCode(err, drivers.InvalidArgument, "stat %q", key)
		e.requireCode(e.repo.Delete(ctx, key), drivers.InvalidArgument, "delete %q", key)
	}
	for _, prefix := range []string{"/", "/abs", "../", "a//"} {
		for _, err := range e.repo.List(ctx, prefix) {
			e.requireCode(err, drivers.InvalidArgument, "list %q", prefix)
		}
	}
	require.Empty(t, e.keys(""))
}

// untouchable fails the test when read.
type untouchable struct{ t *testing.T }

func (u untouchable) Read([]byte) (int, error) {
	u.t.Error("the reader of a Put with an invalid key was read")
	return 0, context.Canceled
}
