package bench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// dataPathNamespace is the namespace of the data path figure's objects.
const dataPathNamespace = "datapath"

// DataPath is the data path figure: a generated data directory, and an
// engine over a memory store with the local driver whose BackupTool
// archives it with tar (the driver then computes the archive's sha256).
type DataPath struct {
	dir, data, root string
	size            int64
	st              *memory.Store
	stop            func()
}

// DataPathResult is one run of the data path figure.
type DataPathResult struct {
	// Bytes is the size of the data directory.
	Bytes int64
	// Engine is the time from the Backup's creation to Completed; Tar the
	// bare tar command's time on the same data; Checksum the time of a
	// sha256 of the archive as the driver computes it (crypto/sha256,
	// io.Copy from the file).
	Engine, Tar, Checksum time.Duration
	// Sum is the Backup's recorded checksum.
	Sum string
}

// NewDataPath generates size bytes of data under dir (127/128 in 8 MiB
// files, the rest in 4 KiB files, random content) and starts the engine.
// PollInterval is 100 ms (the quickstart's), so that the engine's polling
// adds at most that to the measured time.
func NewDataPath(ctx context.Context, dir string, size int64) (*DataPath, error) {
	p := &DataPath{dir: dir, data: filepath.Join(dir, "data"), root: filepath.Join(dir, "backups"), size: size}
	if err := generateData(p.data, size); err != nil {
		return nil, err
	}
	d, err := local.New(local.Options{Root: p.root})
	if err != nil {
		return nil, err
	}
	p.st = memory.New(memory.Options{})
	engine, err := dataprotection.New(dataprotection.Config{Store: p.st, Drivers: drivers.Registry{drivers.NameJob: d},
		Targets: local.Targets{{Name: "bench-db-0", Labels: targetLabels, DataDir: p.data}},
		Options: dataprotection.Options{PollInterval: 100 * time.Millisecond}})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = engine.Run(ctx) })
	p.stop = func() { cancel(); wg.Wait(); _ = d.Close(); _ = p.st.Close() }
	_, err = p.st.BackupTools().Create(ctx, newTool("bench-tar", `tar -C "$DATA_DIR" -cf "$BACKUP_DIR/data.tar" .`))
	if err == nil {
		_, err = p.st.BackupPolicies().Create(ctx, newPolicy(dataPathNamespace, "bench", "bench-tar"))
	}
	if err == nil {
		err = waitPolicyAvailable(ctx, p.st, dataPathNamespace, "bench")
	}
	if err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close stops the engine and removes the directory.
func (p *DataPath) Close() {
	p.stop()
	_ = os.RemoveAll(p.dir)
}

// Run measures run number i: the engine's backup and the bare tar, in an
// order that alternates with i, and the checksum of the bare archive. Each
// step's output is deleted right after it and dirty pages are flushed
// (sync) before each, so that both write into the same state of memory
// (on a virtual machine, pages the guest has never touched cost far more
// to write than pages it freed) and neither pays for the other's
// writeback.
func (p *DataPath) Run(ctx context.Context, i int) (DataPathResult, error) {
	res := DataPathResult{Bytes: p.size}
	name := fmt.Sprintf("backup-%d", i)
	engine := func() (err error) {
		res.Engine, res.Sum, err = p.backup(ctx, name)
		return errors.Join(err, os.RemoveAll(filepath.Join(p.root, "backup-data", dataPathNamespace, name)))
	}
	bare := func() (err error) {
		out := filepath.Join(p.dir, "bare.tar")
		if res.Tar, err = timeTar(ctx, p.data, out); err == nil {
			res.Checksum, err = timeChecksum(out)
		}
		return errors.Join(err, os.Remove(out))
	}
	steps := []func() error{engine, bare}
	if i%2 == 1 {
		steps = []func() error{bare, engine}
	}
	for _, step := range steps {
		syscall.Sync()
		if err := step(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// backup creates a Backup and waits until it is Completed.
func (p *DataPath) backup(ctx context.Context, name string) (time.Duration, string, error) {
	start := time.Now()
	if _, err := p.st.Backups().Create(ctx, newBackup(dataPathNamespace, name, "bench")); err != nil {
		return 0, "", err
	}
	var b *v1alpha1.Backup
	err := poll(ctx, "backup "+name, 5*time.Millisecond, 10*time.Minute, func() (bool, error) {
		var err error
		b, err = p.st.Backups().Get(ctx, dataPathNamespace, name)
		if err != nil || !b.Status.Phase.IsTerminal() {
			return false, err
		}
		if b.Status.Phase != v1alpha1.BackupCompleted {
			return false, fmt.Errorf("backup %s: %s", name, b.Status.FailureReason)
		}
		return true, nil
	})
	if err != nil {
		return 0, "", err
	}
	return time.Since(start), b.Status.Manifests.BackupTool.CheckSum, nil
}

func timeTar(ctx context.Context, data, out string) (time.Duration, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, "tar", "-C", data, "-cf", out, ".")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("tar: %v: %s", err, msg)
	}
	return time.Since(start), nil
}

// timeChecksum times a sha256 of the file as the local driver computes it.
func timeChecksum(path string) (time.Duration, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := io.Copy(sha256.New(), f); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// generateData writes size bytes of random data under dir: 8 MiB files,
// and 4 KiB files for the last 1/128.
func generateData(dir string, size int64) error {
	if err := os.MkdirAll(filepath.Join(dir, "small"), 0o755); err != nil {
		return err
	}
	rng := rand.NewChaCha8([32]byte{1})
	small := size / 128
	for i, left := 0, size-small; left > 0; i++ {
		n := min(left, 8<<20)
		if err := writeRandom(filepath.Join(dir, fmt.Sprintf("file-%04d.bin", i)), n, rng); err != nil {
			return err
		}
		left -= n
	}
	for i, left := 0, small; left > 0; i++ {
		n := min(left, 4<<10)
		if err := writeRandom(filepath.Join(dir, "small", fmt.Sprintf("f-%05d", i)), n, rng); err != nil {
			return err
		}
		left -= n
	}
	return nil
}

func writeRandom(path string, n int64, rng *rand.ChaCha8) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.CopyN(f, rng, n)
	return errors.Join(err, f.Close())
}
