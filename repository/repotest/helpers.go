package repotest

import (
	"bytes"
	"io"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// put stores data under key and fails the test on error.
func (e *env) put(key string, data []byte) {
	e.t.Helper()
	require.NoError(e.t, e.repo.Put(e.ctx, key, bytes.NewReader(data)), "put %q", key)
}

// get returns the object stored under key and fails the test on error.
func (e *env) get(key string) []byte {
	e.t.Helper()
	rc, err := e.repo.Get(e.ctx, key)
	require.NoError(e.t, err, "get %q", key)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	require.NoError(e.t, err, "read %q", key)
	return data
}

// requireCode asserts that err is not nil and has code c.
func (e *env) requireCode(err error, c drivers.Code, msgAndArgs ...any) {
	e.t.Helper()
	require.Error(e.t, err, msgAndArgs...)
	require.Equal(e.t, c, drivers.ErrorCode(err), "code of %v", err)
}

// requireAbsent asserts that no object is visible under key, by Stat, Get
// and List.
func (e *env) requireAbsent(key string) {
	e.t.Helper()
	_, err := e.repo.Stat(e.ctx, key)
	e.requireCode(err, drivers.NotFound, "stat %q", key)
	_, err = e.repo.Get(e.ctx, key)
	e.requireCode(err, drivers.NotFound, "get %q", key)
	for a, err := range e.repo.List(e.ctx, key) {
		require.NoError(e.t, err)
		require.NotEqual(e.t, key, a.Key, "listed")
	}
}

// requireNoLeftovers asserts that the backend kept nothing of failed Puts.
func (e *env) requireNoLeftovers() {
	e.t.Helper()
	if e.h.Leftovers != nil {
		require.Empty(e.t, e.h.Leftovers(e.t, e.b), "leftovers of failed puts")
	}
}

// keys returns the keys listed under prefix.
func (e *env) keys(prefix string) []string {
	e.t.Helper()
	var keys []string
	for a, err := range e.repo.List(e.ctx, prefix) {
		require.NoError(e.t, err)
		keys = append(keys, a.Key)
	}
	return keys
}
