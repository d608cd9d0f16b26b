package local_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/fs"
	"github.com/dpsdk/dataprotection/repository/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// repoFixture is a local driver whose tasks use an encrypted file
// repository, with the identity in a secret of the driver's SecretSource.
type repoFixture struct {
	*fixture
	dir       string // the repository's directory
	url       string
	identity  string
	recipient string
	repo      *repository.Repository
}

func newRepoFixture(t *testing.T) *repoFixture {
	identity, recipient, err := repository.NewIdentity()
	require.NoError(t, err)
	rf := &repoFixture{identity: identity, recipient: recipient}
	rf.fixture = newFixture(t, func(o *local.Options) {
		o.Secrets = local.SecretMap{"age": {"identity": identity}}
	})
	rf.dir = filepath.Join(t.TempDir(), "repo")
	rf.url = "file://" + rf.dir
	backend, err := fs.Open(rf.dir)
	require.NoError(t, err)
	rf.repo = repository.New(backend, rf.url)
	return rf
}

// description is the repository as the engine describes it to tasks.
func (rf *repoFixture) description() *drivers.Repository {
	return &drivers.Repository{Name: "offsite", URL: rf.url, Recipients: []string{rf.recipient}}
}

// stagedBackup is a backup task that writes into its staging directory
// and pushes it under key.
func (rf *repoFixture) stagedBackup(id, key string, commands ...string) *drivers.Task {
	task := rf.task(id, commands...)
	task.Storage = &drivers.Storage{MountPath: mount, Path: path.Join("ns", id)}
	task.Repository = rf.description()
	task.Repository.Push = &drivers.Transfer{Key: key, Path: path.Join("ns", id)}
	return task
}

// stagedRestore is a restore task of the backups under keys (a chain),
// whose steps see BACKUP_DIR of each in turn.
func (rf *repoFixture) stagedRestore(id string, keys []string, commands ...string) *drivers.Task {
	task := rf.task(id)
	task.Kind, task.Steps = drivers.KindRestore, nil
	task.Repository = rf.description()
	task.Repository.Env = []corev1.EnvVar{secretEnv(drivers.EnvRepositoryIdentity, "age", "identity")}
	for i, k := range keys {
		p := path.Join("ns", path.Base(k))
		task.Repository.Pull = append(task.Repository.Pull, drivers.Transfer{Key: k, Path: p})
		task.Steps = append(task.Steps, drivers.Step{Name: "step" + string(rune('a'+i)), Commands: commands,
			Env: []corev1.EnvVar{env("BACKUP_DIR", path.Join(mount, p))}})
		task.Storage = &drivers.Storage{MountPath: mount, Path: p}
	}
	return task
}

func TestStagedBackupIsUploadedAndRestoredFromTheRepository(t *testing.T) {
	rf := newRepoFixture(t)
	data := strings.Repeat("INSERT INTO t VALUES (1, 'some text');\n", 20_000)
	src := filepath.Join(t.TempDir(), "dump.sql")
	require.NoError(t, os.WriteFile(src, []byte(data), 0o600))
	backup := rf.stagedBackup("staged-b1", "ns/pg/b1",
		`cp "`+src+`" "$BACKUP_DIR/dump.sql"`, `mkdir "$BACKUP_DIR/wal" && echo wal > "$BACKUP_DIR/wal/0001"`,
		`echo '{"backupTool":{"CheckPoint":"0/42"}}'`)
	rf.start(backup)
	st := wait(t, rf.d, backup.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	require.NotNil(t, st.Repository)
	assert.Equal(t, "ns/pg/b1", st.Repository.Key)
	assert.Equal(t, 2, st.Repository.Objects)
	assert.Equal(t, int64(len(data)+4), st.Repository.LogicalSize)
	assert.Equal(t, st.Repository.LogicalSize, st.TotalSize, "TotalSize is the logical size")
	assert.Less(t, st.Repository.StoredSize, st.Repository.LogicalSize/4, "compressed")
	assert.JSONEq(t, `{"backupTool":{"CheckPoint":"0/42"}}`, string(st.Output))
	assert.NoDirExists(t, filepath.Join(rf.state, backup.ID, "staging"), "the staging directory is removed")
	require.NoError(t, rf.repo.Verify(rf.ctx, "ns/pg/b1", &repository.ReadOptions{ManifestSHA256: st.Repository.ManifestSHA256}))
	b, err := rf.repo.OpenBackup(rf.ctx, "ns/pg/b1", nil)
	require.NoError(t, err)
	assert.True(t, b.Manifest().Encrypted())

	out := filepath.Join(t.TempDir(), "restored.sql")
	restore := rf.stagedRestore("staged-r1", []string{"ns/pg/b1"}, `cat "$BACKUP_DIR/dump.sql" "$BACKUP_DIR/wal/0001" > "`+out+`"`)
	rf.start(restore)
	st = wait(t, rf.d, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, data+"wal\n", string(got))
}

func TestStagedRestoreReplaysAChain(t *testing.T) {
	rf := newRepoFixture(t)
	for i, name := range []string{"full", "inc"} {
		b := rf.stagedBackup("chain-"+name, "ns/pg/"+name, `echo `+name+` > "$BACKUP_DIR/part"`)
		rf.start(b)
		st := wait(t, rf.d, b.ID)
		require.Equal(t, drivers.Succeeded, st.Phase, "backup %d: %+v", i, st)
	}
	out := filepath.Join(t.TempDir(), "replayed")
	restore := rf.stagedRestore("chain-r", []string{"ns/pg/full", "ns/pg/inc"}, `cat "$BACKUP_DIR/part" >> "`+out+`"`)
	rf.start(restore)
	st := wait(t, rf.d, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "full\ninc\n", string(got), "each step reads its own backup's directory, in order")
}

func TestStagedRestoreOfBadDataRunsNothing(t *testing.T) {
	rf := newRepoFixture(t)
	otherID, _, err := repository.NewIdentity()
	require.NoError(t, err)
	right := rf.opts.Secrets
	for i, c := range []struct {
		name    string
		spoil   func(key string)
		code    drivers.Code
		message string
	}{
		{"a wrong identity", func(string) { rf.opts.Secrets = local.SecretMap{"age": {"identity": otherID}} }, drivers.PermissionDenied,
			"no identity matches the backup's recipients"},
		{"a corrupted object", func(key string) {
			f := filepath.Join(rf.dir, filepath.FromSlash(key), "data", "dump")
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			data[len(data)/2] ^= 0xff
			require.NoError(t, os.WriteFile(f, data, 0o600))
		}, drivers.FailedPrecondition, `object "dump": stored data does not match the manifest`},
		{"a missing backup", func(key string) { require.NoError(t, rf.repo.DeleteBackup(rf.ctx, key)) }, drivers.NotFound, "no manifest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rf.opts.Secrets = right
			d := rf.newDriver()
			key := fmt.Sprintf("ns/pg/bad%d", i)
			b := rf.stagedBackup(fmt.Sprintf("bad-b%d", i), key, `echo data > "$BACKUP_DIR/dump"`)
			require.NoError(t, d.Start(rf.ctx, b))
			require.Equal(t, drivers.Succeeded, wait(t, d, b.ID).Phase)
			c.spoil(key)
			d = rf.newDriver()
			marker := filepath.Join(t.TempDir(), "ran")
			restore := rf.stagedRestore(fmt.Sprintf("bad-r%d", i), []string{key}, `touch "`+marker+`"`)
			ch := subscribe(t, d)
			require.NoError(t, d.Start(rf.ctx, restore))
			st := untilNotified(t, d, ch, restore.ID) // a notification announces the end, not only a poll
			require.Equal(t, drivers.Failed, st.Phase)
			assert.Equal(t, c.code, st.ErrorCode, st.Message)
			assert.Contains(t, st.Message, `download from repository "offsite": repository file://`)
			assert.Contains(t, st.Message, `backup "`+key+`"`)
			assert.Contains(t, st.Message, c.message)
			assert.NotContains(t, st.Message, "AGE-SECRET-KEY")
			assert.NoFileExists(t, marker, "no command ran")
		})
	}
}

func TestStagedBackupReportsBytesWhileItUploads(t *testing.T) {
	gate := make(chan struct{})
	backend := &gatedBackend{Backend: memory.New(), gate: gate}
	repo := repository.New(backend, "mem://gated")
	f := newFixture(t, func(o *local.Options) { o.Repositories = map[string]*repository.Repository{"gated": repo} })
	task := f.task("progress", `head -c 3000000 /dev/urandom > "$BACKUP_DIR/random"`)
	task.Storage = &drivers.Storage{MountPath: mount, Path: "ns/progress"}
	task.Repository = &drivers.Repository{Name: "gated", URL: "mem://", Push: &drivers.Transfer{Key: "ns/p/progress", Path: "ns/progress"}}
	f.start(task)
	st := waitFor(t, f.d, task.ID, func(s *drivers.TaskStatus) bool { return s.BytesDone > 0 })
	assert.Equal(t, drivers.Running, st.Phase, "uploading")
	close(gate)
	st = wait(t, f.d, task.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	assert.Equal(t, int64(3000000), st.TotalSize)
	_, err := repo.OpenBackup(f.ctx, "ns/p/progress", nil)
	require.NoError(t, err, "committed in the host's handle")
}

// gatedBackend blocks every Put after its first bytes until gate closes.
type gatedBackend struct {
	repository.Backend
	gate chan struct{}
}

func (g *gatedBackend) Put(ctx context.Context, key string, r io.Reader) error {
	return g.Backend.Put(ctx, key, io.MultiReader(io.LimitReader(r, 1<<16), &gatedReader{r: r, gate: g.gate}))
}

type gatedReader struct {
	r    io.Reader
	gate chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	<-g.gate
	return g.r.Read(p)
}

func TestStagedBackupThatCannotUploadFails(t *testing.T) {
	f := newFixture(t)
	task := f.task("no-repo", `echo x > "$BACKUP_DIR/x"`)
	task.Storage = &drivers.Storage{MountPath: mount, Path: "ns/no-repo"}
	task.Repository = &drivers.Repository{Name: "s3", URL: "s3://bucket?endpoint=127.0.0.1:1&insecure=true",
		Env:  []corev1.EnvVar{env(drivers.EnvAccessKeyID, "AKID"), secretEnv(drivers.EnvSecretAccessKey, "s3", "secret")},
		Push: &drivers.Transfer{Key: "ns/p/no-repo", Path: "ns/no-repo"}}
	f.start(task)
	st := wait(t, f.d, task.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.FailedPrecondition, st.ErrorCode, st.Message)
	assert.Contains(t, st.Message, `upload to repository "s3": variable AWS_SECRET_ACCESS_KEY: secret s3 does not exist`)
}

func TestDownloadOfADeadEngineIsResumed(t *testing.T) {
	rf := newRepoFixture(t)
	b := rf.stagedBackup("resume-b", "ns/pg/resume", `echo resumed > "$BACKUP_DIR/data"`)
	rf.start(b)
	require.Equal(t, drivers.Succeeded, wait(t, rf.d, b.ID).Phase)
	out := filepath.Join(t.TempDir(), "out")
	restore := rf.stagedRestore("resume-r", []string{"ns/pg/resume"}, `cat "$BACKUP_DIR/data" >> "`+out+`"`)
	restore.Repository.Env = nil // the helper's SecretSource has no identity: the backup is read unencrypted
	restore.Repository.Pull[0].Key = "ns/pg/plain"
	plain := rf.stagedBackup("resume-plain", "ns/pg/plain", `echo resumed > "$BACKUP_DIR/data"`)
	plain.Repository.Recipients = nil
	rf.start(plain)
	require.Equal(t, drivers.Succeeded, wait(t, rf.d, plain.ID).Phase)

	rf.startInOtherProcess(restore) // dies at once, its download barely begun
	st := wait(t, rf.d, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "resumed\n", string(got), "downloaded and run once")
}

func TestStagedTaskShapes(t *testing.T) {
	f := newFixture(t)
	task := f.task("hook-repo", "true")
	task.Kind, task.BackupType = drivers.KindHook, v1alpha1.BackupTypeDataFile
	task.Storage = &drivers.Storage{MountPath: mount, Path: "ns/x"}
	task.Repository = &drivers.Repository{Name: "r", URL: "mem://"}
	err := f.d.Start(f.ctx, task)
	require.Error(t, err)
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
}
