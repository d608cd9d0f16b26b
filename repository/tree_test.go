package repository_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
)

// makeTree writes a staging directory like a tool's: many small files in
// nested directories, an empty directory, a big dump, modes.
func makeTree(t *testing.T) string {
	dir := t.TempDir()
	for i := range 300 {
		sub := filepath.Join(dir, "wal", fmt.Sprintf("%02d", i%17))
		require.NoError(t, os.MkdirAll(sub, 0o750))
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("seg-%04d", i)), []byte(fmt.Sprintf("segment %d\n", i)), 0o640))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "pg_notify"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dump.sql"), dumpBytes(7, 1<<20), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty"), nil, 0o644))
	return dir
}

// snapshot maps each path under dir to its mode and content.
func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		info, err := d.Info()
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		content := ""
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			content = string(data)
		}
		if rel != "." {
			out[rel] = fmt.Sprintf("%v %q", info.Mode(), content)
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestPushPullTree(t *testing.T) {
	f := newFixture(t)
	src := makeTree(t)
	res, err := f.repo.PushDir(f.ctx, "ns/tree", src, &repository.WriteOptions{Recipients: []string{f.recipient}})
	require.NoError(t, err)
	require.Equal(t, 300+17+1+1+3, len(res.Manifest.Objects), "files and directories")
	dst := filepath.Join(t.TempDir(), "restore")
	ropts := &repository.ReadOptions{Identities: []string{f.identity}, ManifestSHA256: res.ManifestSHA256}
	require.NoError(t, f.repo.Verify(f.ctx, "ns/tree", ropts))
	require.NoError(t, f.repo.PullDir(f.ctx, "ns/tree", dst, ropts))
	require.Equal(t, snapshot(t, src), snapshot(t, dst))
}

func TestPushRefusesSymlinks(t *testing.T) {
	f := newFixture(t)
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "a"), []byte("a"), 0o600))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(src, "link")))
	_, err := f.repo.PushDir(f.ctx, "ns/links", src, nil)
	require.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err), "%v", err)
	require.Contains(t, err.Error(), `"link"`)
	_, err = f.repo.OpenBackup(f.ctx, "ns/links", nil)
	require.True(t, drivers.IsNotFound(err), "a failed push commits nothing")
}

func TestPullStaysInTheTarget(t *testing.T) {
	f := newFixture(t)
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "sub"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(src, "sub", "file"), []byte("data"), 0o600))
	_, err := f.repo.PushDir(f.ctx, "ns/esc", src, nil)
	require.NoError(t, err)

	outside := t.TempDir()
	dst := t.TempDir()
	require.NoError(t, os.Symlink(outside, filepath.Join(dst, "sub")))
	err = f.repo.PullDir(f.ctx, "ns/esc", dst, nil)
	require.Error(t, err, "a symlink in the target must not lead outside it")
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing written outside the target")
}

func TestPullLeavesNoCorruptFile(t *testing.T) {
	f := newFixture(t)
	f.write(t, "ns/c", nil, map[string][]byte{"a": []byte("alpha"), "b": dumpBytes(8, 1<<20)})
	f.damage(t, "ns/c/data/b", func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
	dst := t.TempDir()
	err := f.repo.PullDir(f.ctx, "ns/c", dst, nil)
	requireCorrupt(t, err, "b")
	entries, err := os.ReadDir(dst)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the good file, no temporary file")
	require.Equal(t, "a", entries[0].Name())
}
