package repository_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/repository/memory"
)

// A tool's output streamed into a compressed, encrypted backup, verified,
// and read back with the identity.
func ExampleRepository_NewBackup() {
	ctx := context.Background()
	repo := repository.New(memory.New(), "mem://")
	identity, recipient, _ := repository.NewIdentity()

	w, _ := repo.NewBackup("ns/nightly-1", &repository.WriteOptions{Recipients: []string{recipient}})
	_, _ = w.Put(ctx, "dump.sql", strings.NewReader("CREATE TABLE t (id int);\n"), 0o600)
	res, _ := w.Commit(ctx)
	fmt.Println("objects:", len(res.Manifest.Objects), "logical bytes:", res.Manifest.LogicalSize())

	ropts := &repository.ReadOptions{Identities: []string{identity}, ManifestSHA256: res.ManifestSHA256}
	fmt.Println("verify:", repo.Verify(ctx, "ns/nightly-1", ropts))
	b, _ := repo.OpenBackup(ctx, "ns/nightly-1", ropts)
	rc, _ := b.Open(ctx, "dump.sql")
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	fmt.Print(string(data))
	// Output:
	// objects: 1 logical bytes: 25
	// verify: <nil>
	// CREATE TABLE t (id int);
}

// A staging directory pushed to a repository in a directory and pulled
// back after verification.
func ExampleRepository_PushDir() {
	ctx := context.Background()
	tmp, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(tmp)
	staging := filepath.Join(tmp, "BACKUP_DIR")
	_ = os.MkdirAll(filepath.Join(staging, "wal"), 0o700)
	_ = os.WriteFile(filepath.Join(staging, "base.tar"), []byte("base"), 0o600)
	_ = os.WriteFile(filepath.Join(staging, "wal", "000001"), []byte("wal"), 0o600)

	backend, _ := fs.Open(filepath.Join(tmp, "repository"))
	repo := repository.New(backend, "file://repository")
	defer repo.Close()
	res, _ := repo.PushDir(ctx, "ns/backup-1", staging, nil)
	for _, o := range res.Manifest.Objects {
		fmt.Println(o.Name, o.Type, o.Size)
	}
	ropts := &repository.ReadOptions{ManifestSHA256: res.ManifestSHA256}
	if err := repo.Verify(ctx, "ns/backup-1", ropts); err != nil {
		fmt.Println("corrupt, target untouched:", err)
		return
	}
	_ = repo.PullDir(ctx, "ns/backup-1", filepath.Join(tmp, "restore"), ropts)
	data, _ := os.ReadFile(filepath.Join(tmp, "restore", "wal", "000001"))
	fmt.Println(string(data))
	// Output:
	// base.tar  4
	// wal dir 0
	// wal/000001  3
	// wal
}

// Keys are relative slash paths; anything that could leave the
// repository's namespace is refused.
func ExampleValidateKey() {
	for _, key := range []string{"ns/backup-1/manifest.json", "../etc/passwd", "/abs", `a\b`} {
		err := repository.ValidateKey(key)
		fmt.Println(key, drivers.ErrorCode(err), err != nil)
	}
	// Output:
	// ns/backup-1/manifest.json Unknown false
	// ../etc/passwd InvalidArgument true
	// /abs InvalidArgument true
	// a\b InvalidArgument true
}
