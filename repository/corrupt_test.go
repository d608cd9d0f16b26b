package repository_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// requireCorrupt asserts that err says the object is corrupt and names it.
func requireCorrupt(t *testing.T, err error, name string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, repository.ErrCorrupt, "%v", err)
	require.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err))
	require.Contains(t, err.Error(), `"`+name+`"`, "the error names the object")
}

// damage rewrites the stored bytes of an object.
func (f *fixture) damage(t *testing.T, key string, change func([]byte) []byte) {
	rc, err := f.repo.Get(f.ctx, key)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	f.putRaw(t, key, change(bytes.Clone(data)))
}

func TestDamagedObjectsFailNamingTheObject(t *testing.T) {
	damages := map[string]func([]byte) []byte{
		"a byte flipped in the middle": func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b },
		"truncated to half":            func(b []byte) []byte { return b[:len(b)/2] },
		"truncated by one byte":        func(b []byte) []byte { return b[:len(b)-1] },
		"extended by one byte":         func(b []byte) []byte { return append(b, 0) },
		"emptied":                      func([]byte) []byte { return nil },
	}
	f := newFixture(t)
	for pname, opts := range f.pipelines() {
		for dname, change := range damages {
			t.Run(pname+"/"+dname, func(t *testing.T) {
				key := "ns/" + strings.NewReplacer(" ", "-", "/", "-").Replace(pname+"-"+dname)
				f.write(t, key, opts, map[string][]byte{"dump.sql": dumpBytes(5, 256<<10), "ok": []byte("fine")})
				f.damage(t, key+"/data/dump.sql", change)
				requireCorrupt(t, f.repo.Verify(f.ctx, key, f.readOpts()), "dump.sql")
				requireCorrupt(t, f.repo.Verify(f.ctx, key, nil), "dump.sql")
				_, err := f.readAll(key, "dump.sql", f.readOpts())
				requireCorrupt(t, err, "dump.sql")
				got, err := f.readAll(key, "ok", f.readOpts())
				require.NoError(t, err)
				require.Equal(t, "fine", string(got))
			})
		}
	}
}

func TestMissingObjectIsCorruption(t *testing.T) {
	f := newFixture(t)
	f.write(t, "ns/b", nil, map[string][]byte{"a": []byte("a")})
	require.NoError(t, f.repo.Delete(f.ctx, "ns/b/data/a"))
	requireCorrupt(t, f.repo.Verify(f.ctx, "ns/b", nil), "a")
}

func TestWrongIdentity(t *testing.T) {
	f := newFixture(t)
	f.write(t, "ns/b", &repository.WriteOptions{Recipients: []string{f.recipient}},
		map[string][]byte{"dump.sql": dumpBytes(6, 1<<20)})
	other, _, err := repository.NewIdentity()
	require.NoError(t, err)
	wrong := &repository.ReadOptions{Identities: []string{other}}
	for _, err := range []error{f.repo.Verify(f.ctx, "ns/b", wrong), func() error { _, err := f.readAll("ns/b", "dump.sql", wrong); return err }()} {
		require.Equal(t, drivers.PermissionDenied, drivers.ErrorCode(err), "%v", err)
		require.Contains(t, err.Error(), `"dump.sql"`)
		require.NotContains(t, err.Error(), other)
		require.NotContains(t, err.Error(), "AGE-SECRET-KEY")
	}
	_, err = f.readAll("ns/b", "dump.sql", nil)
	require.Equal(t, drivers.PermissionDenied, drivers.ErrorCode(err), "no identity: %v", err)
	require.NoError(t, f.repo.Verify(f.ctx, "ns/b", nil), "without an identity Verify checks the stored bytes")
	_, err = f.repo.OpenBackup(f.ctx, "ns/b", &repository.ReadOptions{Identities: []string{"AGE-SECRET-KEY-1BROKEN" + other[25:]}})
	require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
	require.NotContains(t, err.Error(), other[25:], "a malformed identity is not echoed")
}

func TestTamperedManifest(t *testing.T) {
	f := newFixture(t)
	res := f.write(t, "ns/b", nil, map[string][]byte{"a": []byte("alpha"), "b": []byte("beta")})
	good := string(f.rawManifest(t, "ns/b"))
	a := res.Manifest.Objects[0]
	tampers := map[string]string{
		"stored checksum":     strings.Replace(good, a.SHA256, strings.Repeat("0", 64), 1),
		"logical checksum":    strings.Replace(good, a.LogicalSHA256, strings.Repeat("1", 64), 1),
		"logical size":        strings.Replace(good, `"size": 5`, `"size": 4`, 1),
		"key elsewhere":       strings.Replace(good, `"ns/b/data/a"`, `"ns/other/data/a"`, 1),
		"key escaping":        strings.Replace(good, `"ns/b/data/a"`, `"ns/b/data/../../x"`, 1),
		"name escaping":       strings.Replace(good, `"name": "a"`, `"name": "../a"`, 1),
		"other backup key":    strings.Replace(good, `"backupKey": "ns/b"`, `"backupKey": "ns/c"`, 1),
		"future format":       strings.Replace(good, `"formatVersion": 1`, `"formatVersion": 2`, 1),
		"unknown compression": strings.Replace(good, `"compression": "zstd"`, `"compression": "lz4"`, 1),
		"trailing data":       good + "{}",
		"not JSON":            good[:len(good)/2],
	}
	for name, tampered := range tampers {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, good, tampered)
			f.putRaw(t, "ns/b/manifest.json", []byte(tampered))
			err := f.repo.Verify(f.ctx, "ns/b", nil)
			require.ErrorIs(t, err, repository.ErrCorrupt, "%v", err)
			require.Equal(t, drivers.FailedPrecondition, drivers.ErrorCode(err))
		})
	}
	f.putRaw(t, "ns/b/manifest.json", []byte(good))
	require.NoError(t, f.repo.Verify(f.ctx, "ns/b", &repository.ReadOptions{ManifestSHA256: res.ManifestSHA256}))
	f.putRaw(t, "ns/b/manifest.json", []byte(strings.Replace(good, "T", "T", 1)+"\n"))
	err := f.repo.Verify(f.ctx, "ns/b", &repository.ReadOptions{ManifestSHA256: res.ManifestSHA256})
	require.ErrorIs(t, err, repository.ErrCorrupt, "a manifest that differs from the recorded checksum")
}
