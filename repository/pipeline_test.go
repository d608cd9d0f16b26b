package repository_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/memory"
	"github.com/dpsdk/dataprotection/repository/repotest"
)

// fixture is a repository in memory and a key pair.
type fixture struct {
	ctx       context.Context
	repo      *repository.Repository
	identity  string
	recipient string
}

func newFixture(t *testing.T) *fixture {
	id, rcpt, err := repository.NewIdentity()
	require.NoError(t, err)
	return &fixture{ctx: context.Background(), repo: repository.New(memory.New(), "mem://test"), identity: id, recipient: rcpt}
}

// pipelines are the combinations of compression and encryption.
func (f *fixture) pipelines() map[string]*repository.WriteOptions {
	return map[string]*repository.WriteOptions{
		"zstd and age":         {Recipients: []string{f.recipient}},
		"zstd only":            nil,
		"age only":             {Compression: repository.CompressionNone, Recipients: []string{f.recipient}},
		"neither":              {Compression: repository.CompressionNone},
		"zstd in parallel":     {Concurrency: 2, Level: 1, Recipients: []string{f.recipient}},
		"zstd at best, no age": {Level: 4},
	}
}

// write commits a backup of the given objects.
func (f *fixture) write(t *testing.T, key string, opts *repository.WriteOptions, objects map[string][]byte) repository.CommitResult {
	w, err := f.repo.NewBackup(key, opts)
	require.NoError(t, err)
	for _, name := range sortedKeys(objects) {
		_, err := w.Put(f.ctx, name, bytes.NewReader(objects[name]), 0o640)
		require.NoError(t, err)
	}
	res, err := w.Commit(f.ctx)
	require.NoError(t, err)
	return res
}

// readAll opens the backup with opts and reads the object.
func (f *fixture) readAll(key, name string, opts *repository.ReadOptions) ([]byte, error) {
	b, err := f.repo.OpenBackup(f.ctx, key, opts)
	if err != nil {
		return nil, err
	}
	rc, err := b.Open(f.ctx, name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (f *fixture) readOpts() *repository.ReadOptions {
	return &repository.ReadOptions{Identities: []string{f.identity}}
}

func dumpBytes(seed uint64, n int64) []byte {
	data, _ := io.ReadAll(repotest.DumpLike(seed, n))
	return data
}

func TestPipelineRoundTrip(t *testing.T) {
	f := newFixture(t)
	objects := map[string][]byte{"empty": {}, "small.txt": []byte("hello\n"),
		"db/dump.sql": dumpBytes(1, 2<<20), "one": {'x'}}
	for name, opts := range f.pipelines() {
		t.Run(name, func(t *testing.T) {
			key := "ns/" + strings.ReplaceAll(name, " ", "-")
			res := f.write(t, key, opts, objects)
			require.Len(t, res.ManifestSHA256, 64)
			require.Equal(t, int64(2<<20+7), res.Manifest.LogicalSize())
			ropts := f.readOpts()
			ropts.ManifestSHA256 = res.ManifestSHA256
			require.NoError(t, f.repo.Verify(f.ctx, key, ropts))
			for obj, want := range objects {
				got, err := f.readAll(key, obj, ropts)
				require.NoError(t, err, obj)
				require.Equal(t, want, got, obj)
			}
		})
	}
}

func TestManifestRecordsThePipeline(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	opts := &repository.WriteOptions{Recipients: []string{f.recipient}, Now: func() time.Time { return now }}
	res := f.write(t, "ns/b", opts, map[string][]byte{"a": dumpBytes(2, 1<<20)})
	m := res.Manifest
	require.Equal(t, repository.FormatVersion, m.FormatVersion)
	require.Equal(t, now, m.Created)
	require.Equal(t, repository.CompressionZstd, m.Compression)
	require.True(t, m.Encrypted())
	require.Equal(t, []string{f.recipient}, m.Recipients)
	o := m.Objects[0]
	require.Equal(t, "ns/b/data/a", o.Key)
	require.Equal(t, uint32(0o640), o.Mode)
	require.Equal(t, int64(1<<20), o.Size)
	require.True(t, strings.HasPrefix(o.LogicalSHA256, "age:"), "the logical checksum of an encrypted backup is sealed")
	a, err := f.repo.Stat(f.ctx, o.Key)
	require.NoError(t, err)
	require.Equal(t, a.Size, o.StoredSize)
	raw := f.rawManifest(t, "ns/b")
	require.NotContains(t, string(raw), "AGE-SECRET-KEY", "no secret key in the manifest")
}

func TestCompressionCompressesRealisticData(t *testing.T) {
	f := newFixture(t)
	res := f.write(t, "ns/ratio", &repository.WriteOptions{Recipients: []string{f.recipient}},
		map[string][]byte{"dump.sql": dumpBytes(3, 4<<20)})
	ratio := float64(res.Manifest.LogicalSize()) / float64(res.Manifest.StoredSize())
	require.Greater(t, ratio, 3.0, "compression ratio of pg_dump-like data")
}

func TestIncompleteBackupDoesNotExist(t *testing.T) {
	f := newFixture(t)
	w, err := f.repo.NewBackup("ns/partial", nil)
	require.NoError(t, err)
	_, err = w.Put(f.ctx, "a", strings.NewReader("a"), 0)
	require.NoError(t, err)
	w.Close()
	_, err = f.repo.OpenBackup(f.ctx, "ns/partial", nil)
	require.True(t, drivers.IsNotFound(err), "%v", err)
	require.Contains(t, err.Error(), `"ns/partial"`)
	require.NoError(t, f.repo.DeleteBackup(f.ctx, "ns/partial"))
	for a, err := range f.repo.List(f.ctx, "ns/") {
		require.NoError(t, err)
		t.Fatalf("left after DeleteBackup: %s", a.Key)
	}
}

func TestWriterRefusesBadNamesAndRepeats(t *testing.T) {
	f := newFixture(t)
	w, err := f.repo.NewBackup("ns/b", nil)
	require.NoError(t, err)
	for _, name := range []string{"../x", "/abs", "a//b", ""} {
		_, err := w.Put(f.ctx, name, strings.NewReader("x"), 0)
		require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%q: %v", name, err)
	}
	_, err = w.Put(f.ctx, "a", strings.NewReader("x"), 0)
	require.NoError(t, err)
	_, err = w.Put(f.ctx, "a", strings.NewReader("y"), 0)
	require.Equal(t, drivers.AlreadyExists, drivers.ErrorCode(err))
	_, err = f.repo.NewBackup("ns/b", &repository.WriteOptions{Recipients: []string{"AGE-SECRET-KEY-1NOTAPUBLICKEY"}})
	require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
	_, err = f.repo.NewBackup("../b", nil)
	require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
}

func TestFailingSourceRecordsNothing(t *testing.T) {
	f := newFixture(t)
	w, err := f.repo.NewBackup("ns/b", &repository.WriteOptions{Recipients: []string{f.recipient}})
	require.NoError(t, err)
	boom := errors.New("tool exited 1")
	_, err = w.Put(f.ctx, "dump", io.MultiReader(repotest.DumpLike(4, 3<<20), errReader{boom}), 0)
	require.ErrorIs(t, err, boom)
	require.Contains(t, err.Error(), `"dump"`)
	_, err = f.repo.Stat(f.ctx, "ns/b/data/dump")
	require.True(t, drivers.IsNotFound(err))
	res, err := w.Commit(f.ctx)
	require.NoError(t, err)
	require.Empty(t, res.Manifest.Objects)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func sortedKeys(m map[string][]byte) []string { return slices.Sorted(maps.Keys(m)) }

func (f *fixture) rawManifest(t *testing.T, key string) []byte {
	rc, err := f.repo.Get(f.ctx, key+"/manifest.json")
	require.NoError(t, err)
	defer rc.Close()
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	return data
}

func (f *fixture) putRaw(t *testing.T, key string, data []byte) {
	require.NoError(t, f.repo.Put(f.ctx, key, bytes.NewReader(data)))
}
