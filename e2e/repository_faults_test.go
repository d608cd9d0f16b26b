package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/s3"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// faultBucket is one bucket of a server, as the engine (handle) and the
// drivers (URL and the secret's credentials) see it; each may be wrong.
type faultBucket struct {
	endpoint, bucket  string
	access, secret    string // the drivers' credentials, in the secret
	engineCredentials s3.Credentials
}

// registration is the repository the engine registers for b; restores
// read the identity from the host's file idFile.
func (b faultBucket) registration(t *testing.T, recipient, idFile string) dataprotection.Repository {
	cfg := s3.Config{Endpoint: b.endpoint, Bucket: b.bucket, Region: s3env.Region, PathStyle: true, Insecure: true,
		MaxRetries: 1, Credentials: b.engineCredentials}
	backend, err := s3.Open(cfg)
	require.NoError(t, err)
	ref := func(key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: s3Secret}, Key: key}}
	}
	return dataprotection.Repository{Repository: repository.New(backend, cfg.Name()), Recipients: []string{recipient},
		URL: fmt.Sprintf("s3://%s?endpoint=%s&region=%s&insecure=true&path-style=true", b.bucket, b.endpoint, s3env.Region),
		Credentials: []corev1.EnvVar{{Name: drivers.EnvAccessKeyID, ValueFrom: ref("accessKey")},
			{Name: drivers.EnvSecretAccessKey, ValueFrom: ref("secretKey")}},
		IdentityFile: idFile}
}

// faultEngine runs the engine with the repository of b, a shell tool that
// writes a file into BACKUP_DIR (and restores it into the target's
// DATA_DIR), its policy, and the secrets. It returns the identity file of
// the restores, which holds the right identity.
func faultEngine(t *testing.T, b faultBucket, target string) (*harness, string) {
	identity, recipient, err := repository.NewIdentity()
	require.NoError(t, err)
	idFile := filepath.Join(t.TempDir(), "age.key")
	require.NoError(t, os.WriteFile(idFile, []byte(identity+"\n"), 0o600))
	secrets := local.SecretMap{s3Secret: {"accessKey": b.access, "secretKey": b.secret}}
	targets := local.Targets{{Name: "db-0", Labels: map[string]string{"app": "db"}, DataDir: target}}
	reg := b.registration(t, recipient, idFile)
	h := startEngine(t, time.Now().UTC(), "", targets, secrets, func(c *dataprotection.Config) {
		c.Repositories = map[string]dataprotection.Repository{repoName: reg}
	})
	create(t, h.st.BackupTools(), &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "files"}, Spec: v1alpha1.BackupToolSpec{
		Image:          "busybox",
		BackupCommands: []string{`seq 1 100000 > "$BACKUP_DIR/data"`},
		Physical: v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{
			`mkdir -p "$DATA_DIR" && cp "$BACKUP_DIR/data" "$DATA_DIR/restored"`}},
	}})
	p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "files",
		Annotations: map[string]string{v1alpha1.AnnotationRepository: repoName}},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy:     v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}},
			BackupToolName: "files"}}}
	create(t, h.st.BackupPolicies(), p)
	p = h.waitPolicy(t, p.Name, 20*time.Second)
	require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)
	return h, idFile
}

// TestRepositoryFaultsFailBackupsClearly gives the engine or the drivers a
// repository they cannot use: the Backup fails with a reason that names
// the repository and the cause, and holds no secret.
func TestRepositoryFaultsFailBackupsClearly(t *testing.T) {
	srv := s3env.Require(t)
	good := faultBucket{endpoint: srv.Endpoint, bucket: srv.NewBucket(t), access: srv.AccessKey, secret: srv.SecretKey,
		engineCredentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	for name, c := range map[string]struct {
		bucket func(faultBucket) faultBucket
		want   []string
	}{
		"the drivers' credentials are wrong": {func(b faultBucket) faultBucket { b.secret = "wrong-s3cr3t"; return b },
			[]string{`upload to repository "offsite": repository s3://`, "SignatureDoesNotMatch", "check the credentials", "(PermissionDenied)"}},
		"the bucket is missing": {func(b faultBucket) faultBucket { b.bucket += "-missing"; return b },
			[]string{`repository "offsite" cannot be used`, `bucket "` + good.bucket + `-missing" does not exist`}},
		"the endpoint is unreachable": {func(b faultBucket) faultBucket { b.endpoint = "127.0.0.1:1"; return b },
			[]string{`repository "offsite" cannot be used`, "s3://127.0.0.1:1/", "endpoint unreachable"}},
	} {
		t.Run(name, func(t *testing.T) {
			h, _ := faultEngine(t, c.bucket(good), filepath.Join(t.TempDir(), "target"))
			create(t, h.st.Backups(), manualBackup("b1", "files", ""))
			b := h.waitBackup(t, "b1", 2*time.Minute)
			require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
			t.Logf("failureReason: %s", b.Status.FailureReason)
			for _, w := range c.want {
				assert.Contains(t, b.Status.FailureReason, w)
			}
			noSecrets(t, []string{srv.SecretKey, "wrong-s3cr3t"}, b)
		})
	}
}

// TestRestoreOfBadDataFailsNamingTheObject restores with a wrong identity,
// then from a corrupted object: the RestoreJob fails naming the object and
// the restore's commands never run (nothing is written to the target).
func TestRestoreOfBadDataFailsNamingTheObject(t *testing.T) {
	srv := s3env.Require(t)
	bucket := faultBucket{endpoint: srv.Endpoint, bucket: srv.NewBucket(t), access: srv.AccessKey, secret: srv.SecretKey,
		engineCredentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	target := filepath.Join(t.TempDir(), "target")
	h, idFile := faultEngine(t, bucket, target)
	create(t, h.st.Backups(), manualBackup("b1", "files", ""))
	require.Equal(t, v1alpha1.BackupCompleted, h.waitBackup(t, "b1", 2*time.Minute).Status.Phase)

	wrong, _, err := repository.NewIdentity()
	require.NoError(t, err)
	right, err := os.ReadFile(idFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(idFile, []byte(wrong+"\n"), 0o600))
	create(t, h.st.RestoreJobs(), restoreJob("r-wrong-identity", "b1", "db", ""))
	r := h.waitRestore(t, "r-wrong-identity", time.Minute)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Contains(t, r.Status.FailureReason, `object "data": no identity matches the backup's recipients`)
	assert.Contains(t, r.Status.FailureReason, "(PermissionDenied)")
	assert.NoDirExists(t, target, "nothing written to the target")
	noSecrets(t, []string{wrong, string(right), srv.SecretKey}, r)

	require.NoError(t, os.WriteFile(idFile, right, 0o600))
	corrupt(t, srv, bucket.bucket, "default/files/b1/data/data")
	create(t, h.st.RestoreJobs(), restoreJob("r-corrupt", "b1", "db", ""))
	r = h.waitRestore(t, "r-corrupt", time.Minute)
	require.Equal(t, v1alpha1.RestoreJobFailed, r.Status.Phase)
	assert.Contains(t, r.Status.FailureReason, `object "data": stored data does not match the manifest`)
	assert.Contains(t, r.Status.FailureReason, "(FailedPrecondition)")
	assert.NoDirExists(t, target, "nothing written to the target")
}

// corrupt flips a byte in the middle of an object of the bucket.
func corrupt(t *testing.T, srv *s3env.Server, bucket, key string) {
	cfg := s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: s3env.Region, PathStyle: true, Insecure: true,
		Credentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	b, err := s3.Open(cfg)
	require.NoError(t, err)
	rc, err := b.Get(context.Background(), key)
	require.NoError(t, err)
	data, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	data[len(data)/2] ^= 0x10
	require.NoError(t, b.Put(context.Background(), key, strings.NewReader(string(data))))
}

// TestServerDyingMidUploadCommitsNothingAndARetrySucceeds kills the S3
// server while a backup's upload is under way: no backup is committed
// (there is no manifest), and once the server is back the driver's retry
// of the upload (or, later, the engine's retry of the run) completes the
// backup, which verifies.
func TestServerDyingMidUploadCommitsNothingAndARetrySucceeds(t *testing.T) {
	srv := s3env.RequireOwn(t)
	bucket := faultBucket{endpoint: srv.Endpoint, bucket: srv.NewBucket(t), access: srv.AccessKey, secret: srv.SecretKey,
		engineCredentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	h, idFile := faultEngine(t, bucket, filepath.Join(t.TempDir(), "target"))
	create(t, h.st.BackupTools(), &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "big"}, Spec: v1alpha1.BackupToolSpec{
		Image: "busybox", BackupCommands: []string{`head -c 100663296 /dev/urandom > "$BACKUP_DIR/random"`}}})
	p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "big",
		Annotations: map[string]string{v1alpha1.AnnotationRepository: repoName}},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{OnFailAttempted: 2,
				Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}},
			BackupToolName: "big"}}}
	create(t, h.st.BackupPolicies(), p)
	require.Equal(t, v1alpha1.PolicyAvailable, h.waitPolicy(t, "big", 20*time.Second).Status.Phase)
	create(t, h.st.Backups(), manualBackup("big-1", "big", ""))

	client := srv.Client(t)
	deadline := time.Now().Add(time.Minute)
	for uploading := false; !uploading; time.Sleep(5 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "no upload began within a minute")
		for u := range client.ListIncompleteUploads(t.Context(), bucket.bucket, "default/big/big-1/", true) {
			uploading = uploading || (u.Err == nil && u.Key != "")
		}
	}
	srv.Kill()
	t.Log("killed the S3 server mid-upload")
	time.Sleep(3 * time.Second)
	require.NoError(t, srv.Restart(t.Context()))
	repo := bucket.registration(t, "", "").Repository
	_, err := repo.Stat(t.Context(), "default/big/big-1/manifest.json")
	require.True(t, drivers.IsNotFound(err), "no backup was committed: %v", err)

	b := h.waitBackup(t, "big-1", 2*time.Minute)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	t.Logf("completed after the restart; attempt %q; events of the run show the retry", b.Annotations[v1alpha1.AnnotationAttempt])
	identity, err := os.ReadFile(idFile)
	require.NoError(t, err)
	sum, _ := strings.CutPrefix(b.Status.Manifests.BackupTool.CheckSum, "sha256:")
	require.NoError(t, repo.Verify(t.Context(), "default/big/big-1", &repository.ReadOptions{
		Identities: []string{strings.TrimSpace(string(identity))}, ManifestSHA256: sum}), "the committed backup is whole")
	assert.Equal(t, "100663296", b.Status.TotalSize)
}
