package bolt_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"

	"github.com/dpsdk/dataprotection/store/bolt"
)

// pageSize is bbolt's page size on this machine (its default).
var pageSize = os.Getpagesize()

// populated returns a closed database file holding 300 Backups (many
// pages) and its size.
func populated(t *testing.T) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)
	for i := range 300 {
		b := backup(fmt.Sprintf("b-%03d", i))
		b.Labels = map[string]string{"padding": strings.Repeat("x", 60)}
		_, err := s.Backups().Create(context.Background(), b)
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return path, fi.Size()
}

// rewrite applies edit to the bytes of the file at path.
func rewrite(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, edit(data), 0o600))
}

// corruptions are ways a database file gets damaged: a crash of the disk,
// a bad copy, a stray write.
var corruptions = map[string]func(t *testing.T, path string, size int64){
	"truncated to half": func(t *testing.T, path string, size int64) { require.NoError(t, os.Truncate(path, size/2)) },
	"truncated to its meta pages": func(t *testing.T, path string, _ int64) {
		require.NoError(t, os.Truncate(path, int64(2*pageSize)))
	},
	"scrambled data pages": func(t *testing.T, path string, _ int64) {
		rewrite(t, path, func(b []byte) []byte {
			r := rand.New(rand.NewPCG(1, 2))
			for i := 2 * pageSize; i < len(b); i++ {
				b[i] = byte(r.Uint32())
			}
			return b
		})
	},
	"flipped page flags": func(t *testing.T, path string, _ int64) {
		rewrite(t, path, func(b []byte) []byte {
			for p := 2 * pageSize; p+10 < len(b); p += pageSize {
				b[p+8] ^= 0x1f // the page header's flags: branch, leaf, meta, freelist
			}
			return b
		})
	},
	"scrambled leaf pages": func(t *testing.T, path string, _ int64) {
		rewrite(t, path, func(b []byte) []byte {
			r := rand.New(rand.NewPCG(5, 6))
			for p := 2 * pageSize; p+pageSize <= len(b); p += pageSize {
				if b[p+8]&0x02 != 0 { // a leaf page: the buckets' records
					for i := p + 16; i < p+pageSize; i++ {
						b[i] = byte(r.Uint32())
					}
				}
			}
			return b
		})
	},
	"scrambled meta pages": func(t *testing.T, path string, _ int64) {
		rewrite(t, path, func(b []byte) []byte {
			r := rand.New(rand.NewPCG(3, 4))
			for i := 16; i < 2*pageSize; i++ {
				b[i] = byte(r.Uint32())
			}
			return b
		})
	},
}

// TestCorruptFileIsAnErrorNotAPanic: Open of a damaged file returns an
// error wrapping ErrCorrupt; nothing panics.
func TestCorruptFileIsAnErrorNotAPanic(t *testing.T) {
	for name, corrupt := range corruptions {
		t.Run(name, func(t *testing.T) {
			path, size := populated(t)
			corrupt(t, path, size)
			var err error
			require.NotPanics(t, func() { _, err = bolt.New(path, bolt.Options{}) })
			require.ErrorIs(t, err, bolt.ErrCorrupt)
			assert.Contains(t, err.Error(), path)
			t.Logf("%s: %v", name, err)
		})
	}
}

// TestCallsOnAnUncheckedCorruptFileAreErrors: opened without its check,
// a damaged file makes the calls that meet the damage return errors
// wrapping ErrCorrupt; nothing panics, and the store can be closed.
func TestCallsOnAnUncheckedCorruptFileAreErrors(t *testing.T) {
	for _, name := range []string{"scrambled leaf pages", "flipped page flags"} {
		t.Run(name, func(t *testing.T) {
			path, size := populated(t)
			corruptions[name](t, path, size)
			var s *bolt.Store
			var err error
			require.NotPanics(t, func() { s, err = bolt.New(path, bolt.Options{NoCheck: true}) })
			if err != nil {
				require.ErrorIs(t, err, bolt.ErrCorrupt, "the damage is met when the file opens")
				return
			}
			require.NotPanics(t, func() {
				_, err = s.Backups().List(context.Background(), "", nil)
				_ = s.Close()
			})
			require.ErrorIs(t, err, bolt.ErrCorrupt)
		})
	}
}

// TestEmptyFileIsRefused: a file that exists but is empty (truncated to
// nothing) is not silently a new, empty database.
func TestEmptyFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	_, err := bolt.New(path, bolt.Options{})
	require.ErrorIs(t, err, bolt.ErrCorrupt)
	assert.Contains(t, err.Error(), "empty")

	s, err := bolt.New(path, bolt.Options{InitEmptyFile: true})
	require.NoError(t, err, "unless the caller says an empty file is a new database")
	require.NoError(t, s.Close())
	s = open(t, path)
	require.NoError(t, s.Close())
}

// TestCorruptRecordIsSkippedAndReported: one record that does not decode
// does not fail List for its kind: List returns the others, the record's
// Get says it is corrupt, and the store reports it.
func TestCorruptRecordIsSkippedAndReported(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := open(t, path)
	for _, name := range []string{"a", "b", "c"} {
		_, err := s.Backups().Create(ctx, backup(name))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	db, err := bbolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte("backups")).Put([]byte("ns/b"), []byte("{garbage")) }))
	require.NoError(t, db.Close())

	var reported []error
	s, err = bolt.New(path, bolt.Options{OnCorrupt: func(err error) { reported = append(reported, err) }})
	require.NoError(t, err)
	defer s.Close()
	list, err := s.Backups().List(ctx, "ns", nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []string{"a", "c"}, []string{list[0].Name, list[1].Name})
	require.Len(t, reported, 1)
	assert.ErrorIs(t, reported[0], bolt.ErrCorrupt)
	assert.Contains(t, reported[0].Error(), "backups ns/b")

	_, err = s.Backups().Get(ctx, "ns", "b")
	require.ErrorIs(t, err, bolt.ErrCorrupt)
	_, err = s.Backups().Create(ctx, backup("d"))
	require.NoError(t, err, "the rest of the store works")
}
