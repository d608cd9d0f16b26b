package repository_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

func TestValidateKey(t *testing.T) {
	cases := []struct {
		name string
		key  string
		ok   bool
	}{
		{"a plain name", "manifest.json", true},
		{"a nested path", "ns/backup-1/data/base.tar.zst", true},
		{"dots inside a name", "a/..b/c..", true},
		{"unicode", "données/été", true},
		{"the longest key", strings.Repeat("k", 1024), true},
		{"empty", "", false},
		{"absolute", "/etc/passwd", false},
		{"parent", "../x", false},
		{"parent inside", "a/../../x", false},
		{"parent at the end", "a/..", false},
		{"dot segment", "a/./b", false},
		{"empty segment", "a//b", false},
		{"trailing slash", "a/", false},
		{"backslash", `a\..\b`, false},
		{"NUL", "a\x00", false},
		{"newline", "a\nb", false},
		{"invalid UTF-8", "\xc3\x28", false},
		{"too long", strings.Repeat("k", 1025), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := repository.ValidateKey(c.key)
			if c.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
		})
	}
}

func TestValidatePrefix(t *testing.T) {
	for _, p := range []string{"", "a", "a/", "a/b", "a/.", "ns/backup/"} {
		require.NoError(t, repository.ValidatePrefix(p), p)
	}
	for _, p := range []string{"/", "/a", "../", "a//", "a/../", `a\`} {
		require.Error(t, repository.ValidatePrefix(p), p)
	}
}

// FuzzValidateKey checks that an accepted key can never leave the
// repository's namespace, whatever the bytes.
func FuzzValidateKey(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "/abs", "a//b", `a\b`, "a/./b", ".", "..", "a\x00", "é/ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if repository.ValidateKey(key) != nil {
			return
		}
		require.NotEmpty(t, key)
		require.False(t, strings.HasPrefix(key, "/"), "absolute key accepted: %q", key)
		require.NotContains(t, key, `\`)
		for _, seg := range strings.Split(key, "/") {
			require.NotContains(t, []string{"", ".", ".."}, seg, "key %q", key)
		}
		require.NoError(t, repository.ValidatePrefix(key))
	})
}
