//go:build unix

package job

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/s3"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// toolsImage is the tools image of the tests: the node maps its
// DefaultToolsPath to a build of cmd/dpctl.
const toolsImage = "registry.example/dataprotection-tools:test"

var (
	dpctlOnce sync.Once
	dpctlPath string
	dpctlErr  error
)

// dpctlBinary builds cmd/dpctl once for the package's tests.
func dpctlBinary(t *testing.T) string {
	dpctlOnce.Do(func() {
		dir, err := os.MkdirTemp("", "job-dpctl-")
		if err != nil {
			dpctlErr = err
			return
		}
		dpctlPath = filepath.Join(dir, "dpctl")
		out, err := exec.Command("go", "build", "-o", dpctlPath, "github.com/dpsdk/dataprotection/cmd/dpctl").CombinedOutput()
		if err != nil {
			dpctlErr = fmt.Errorf("go build dpctl: %v: %s", err, out)
		}
	})
	require.NoError(t, dpctlErr)
	return dpctlPath
}

// repoWorld is a namespace with a test kubelet whose node runs dpctl for
// the tools image, a bucket on the S3 server, and the secrets of its
// credentials and of an age identity.
type repoWorld struct {
	*world
	root       string
	repo       *repository.Repository
	url        string
	recipient  string
	secretKey  string
	identitySK string
}

func newRepoWorld(t *testing.T) *repoWorld {
	srv := s3env.Require(t)
	w := &repoWorld{world: newWorld(t, Options{ToolsImage: toolsImage}), root: t.TempDir(), secretKey: srv.SecretKey}
	node := testkubelet.Local{Client: w.env.Client, Root: w.root, Executables: map[string]string{DefaultToolsPath: dpctlBinary(t)}}
	kubelet, err := testkubelet.Start(context.Background(), w.env.Client, w.ns, node, testkubelet.Options{Logf: t.Logf})
	require.NoError(t, err)
	t.Cleanup(func() { _ = kubelet.Stop() })
	bucket := srv.NewBucket(t)
	cfg := s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: s3env.Region, PathStyle: true, Insecure: true,
		Credentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	b, err := s3.Open(cfg)
	require.NoError(t, err)
	w.repo = repository.New(b, cfg.Name())
	w.url = fmt.Sprintf("s3://%s?endpoint=%s&region=%s&insecure=true&path-style=true", bucket, srv.Endpoint, s3env.Region)
	var identity string
	identity, w.recipient, err = repository.NewIdentity()
	require.NoError(t, err)
	w.identitySK = identity
	w.secret(t, "offsite-s3", map[string]string{"accessKey": srv.AccessKey, "secretKey": srv.SecretKey})
	w.secret(t, "offsite-age", map[string]string{"identity": identity})
	return w
}

func (w *repoWorld) secret(t *testing.T, name string, data map[string]string) {
	_, err := w.env.Client.CoreV1().Secrets(w.ns).Create(w.ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}, metav1.CreateOptions{})
	require.NoError(t, err)
}

func secretRef(name, key string) *corev1.EnvVarSource {
	return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
}

// description is the repository as the engine describes it; with the
// identity for restores.
func (w *repoWorld) description(restore bool) *drivers.Repository {
	r := &drivers.Repository{Name: "offsite", URL: w.url, Recipients: []string{w.recipient},
		Env: []corev1.EnvVar{{Name: drivers.EnvAccessKeyID, ValueFrom: secretRef("offsite-s3", "accessKey")},
			{Name: drivers.EnvSecretAccessKey, ValueFrom: secretRef("offsite-s3", "secretKey")}}}
	if restore {
		r.Env = append(r.Env, corev1.EnvVar{Name: drivers.EnvRepositoryIdentity, ValueFrom: secretRef("offsite-age", "identity")})
	}
	return r
}

// stagedTask is a backup (or restore) task of the namespace's Backup b1
// whose data is staged at /backupdata/<ns>/<name>.
func (w *repoWorld) stagedTask(id string, kind drivers.TaskKind, name string, commands ...string) *drivers.Task {
	return &drivers.Task{ID: id, Kind: kind, BackupType: v1alpha1.BackupTypeDataFile, Image: "registry.example/tool:1",
		Owner:   drivers.ObjectRef{Kind: "Backup", Namespace: w.ns, Name: name, UID: types.UID("uid-" + name)},
		Env:     []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/" + w.ns + "/" + name}},
		Storage: &drivers.Storage{MountPath: "/backupdata", Path: w.ns + "/" + name},
		Steps:   []drivers.Step{{Name: "main", Commands: commands}}}
}

func (w *repoWorld) wait(t *testing.T, id string) *drivers.TaskStatus {
	var st *drivers.TaskStatus
	eventually(t, "task "+id+" ends", func() bool {
		var err error
		st, err = w.status(t, id)
		require.NoError(t, err)
		return st.Phase.IsTerminal()
	})
	return st
}

// TestJobsStageBackupsThroughTheToolsImage backs up through a Job whose tool
// writes into an emptyDir that dpctl, from the tools image, uploads, and
// restores through a Job whose dpctl downloads before the tool runs; the
// node of the test kubelet runs a build of dpctl for the tools image.
func TestJobsStageBackupsThroughTheToolsImage(t *testing.T) {
	w := newRepoWorld(t)
	backup := w.stagedTask(w.id("up"), drivers.KindBackup, "b1",
		`printf 'base backup\n' > "$BACKUP_DIR/base.tar"`, `mkdir -p "$BACKUP_DIR/wal" && seq 1 20000 > "$BACKUP_DIR/wal/0001"`,
		`if env | grep -q AWS_; then echo "the tool sees repository credentials" >&2; exit 9; fi`)
	backup.Repository = w.description(false)
	backup.Repository.Push = &drivers.Transfer{Key: w.ns + "/pg/b1", Path: w.ns + "/b1"}
	require.NoError(t, w.d.Start(w.ctx, backup))
	job := waitForJob(t, w.env.Client, w.ns, backup.ID)
	spec := job.Spec.Template.Spec
	require.Len(t, spec.InitContainers, 1)
	require.Equal(t, ContainerName, spec.InitContainers[0].Name, "the tool runs first")
	require.Equal(t, UploadContainerName, spec.Containers[0].Name)
	assert.Equal(t, []string{DefaultToolsPath}, spec.Containers[0].Command)
	assert.Equal(t, StagingVolumeName, spec.Volumes[len(spec.Volumes)-1].Name)

	st := w.wait(t, backup.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	require.NotNil(t, st.Repository)
	assert.Equal(t, w.ns+"/pg/b1", st.Repository.Key)
	assert.Equal(t, 2, st.Repository.Objects)
	assert.Equal(t, st.Repository.LogicalSize, st.TotalSize)
	require.NoError(t, w.repo.Verify(w.ctx, w.ns+"/pg/b1", &repository.ReadOptions{ManifestSHA256: st.Repository.ManifestSHA256}))

	restore := w.stagedTask(w.id("down"), drivers.KindRestore, "b1",
		`cat "$BACKUP_DIR/base.tar" "$BACKUP_DIR/wal/0001" > /restore/out`)
	restore.Repository = w.description(true)
	restore.Repository.Pull = []drivers.Transfer{{Key: w.ns + "/pg/b1", Path: w.ns + "/b1", ManifestSHA256: st.Repository.ManifestSHA256}}
	restore.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "restored"}}}}
	restore.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/restore"}}
	require.NoError(t, w.d.Start(w.ctx, restore))
	st = w.wait(t, restore.ID)
	require.Equal(t, drivers.Succeeded, st.Phase, "%+v", st)
	out, err := os.ReadFile(filepath.Join(w.root, "restored", "out"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), "base backup\n1\n2\n"), "restored %.40q", out)
}

// TestJobRestoreOfACorruptBackupNeverRunsTheTool corrupts a stored object:
// the download container fails naming it, with the error's code, and the
// restore's tool never runs.
func TestJobRestoreOfACorruptBackupNeverRunsTheTool(t *testing.T) {
	w := newRepoWorld(t)
	backup := w.stagedTask(w.id("up"), drivers.KindBackup, "b2", `seq 1 5000 > "$BACKUP_DIR/dump"`)
	backup.Repository = w.description(false)
	backup.Repository.Push = &drivers.Transfer{Key: w.ns + "/pg/b2", Path: w.ns + "/b2"}
	require.NoError(t, w.d.Start(w.ctx, backup))
	require.Equal(t, drivers.Succeeded, w.wait(t, backup.ID).Phase)
	key := w.ns + "/pg/b2/data/dump"
	rc, err := w.repo.Get(w.ctx, key)
	require.NoError(t, err)
	data := make([]byte, 1<<20)
	n, _ := rc.Read(data)
	_ = rc.Close()
	data = data[:n]
	data[n/2] ^= 0x20
	require.NoError(t, w.repo.Put(w.ctx, key, strings.NewReader(string(data))))

	restore := w.stagedTask(w.id("down"), drivers.KindRestore, "b2", `touch /restore/ran`)
	restore.Repository = w.description(true)
	restore.Repository.Pull = []drivers.Transfer{{Key: w.ns + "/pg/b2", Path: w.ns + "/b2"}}
	restore.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "restored"}}}}
	restore.VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/restore"}}
	require.NoError(t, w.d.Start(w.ctx, restore))
	st := w.wait(t, restore.ID)
	require.Equal(t, drivers.Failed, st.Phase)
	assert.Equal(t, drivers.FailedPrecondition, st.ErrorCode, st.Message)
	assert.Contains(t, st.Message, `download from repository "offsite": repository s3://`)
	assert.Contains(t, st.Message, `object "dump": stored data does not match the manifest`)
	assert.NotContains(t, st.Message, w.secretKey)
	assert.NotContains(t, st.Message, w.identitySK)
	assert.NoFileExists(t, filepath.Join(w.root, "restored", "ran"), "the restore's tool never ran")
}

func TestJobDriverWithoutToolsImageRefusesRepositories(t *testing.T) {
	env := testenv.Require(t)
	d := mustNew(t, env.Client, Options{})
	caps, err := d.Capabilities(context.Background())
	require.NoError(t, err)
	assert.False(t, caps.Repositories)
	task := (&repoWorld{world: &world{ns: "ns"}}).stagedTask("t-nope", drivers.KindBackup, "b", "true")
	task.Repository = &drivers.Repository{Name: "r", URL: "file:///x", Push: &drivers.Transfer{Key: "ns/p/b", Path: "ns/b"}}
	err = d.Start(context.Background(), task)
	requireCode(t, drivers.Unimplemented, err)
	assert.Contains(t, err.Error(), "Options.ToolsImage is not set")
}
