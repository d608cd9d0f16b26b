package e2e

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/internal/testenv/s3env"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/s3"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The repository of the scenario and the secrets its tasks read.
const (
	repoName    = "offsite"
	s3Secret    = "offsite-s3"
	ageSecret   = "offsite-age"
	plainDump   = "pg-dump-plain"
	plainBase   = "pg-basebackup-plain"
	repoLogical = "pg-shop-offsite"
	repoPhysics = "pg-shop-offsite-physical"
)

// repoScenario is the world of TestPostgresThroughAnEncryptedS3Repository:
// a source server, a fresh server and an empty directory to restore into,
// an S3 bucket on the real server, and the engine with the repository.
type repoScenario struct {
	pg          *pgEnv
	h           *harness
	src, dst    *pgServer
	srcPass     string
	physicalDir string
	repo        *repository.Repository
	identity    string
	secrets     []string // values that must never appear in an object
}

// TestPostgresThroughAnEncryptedS3Repository backs PostgreSQL up through
// the engine, with the local driver and unmodified tools that write into
// BACKUP_DIR, to a repository on a real S3 server (versitygw), compressed
// and encrypted to an age recipient, and restores it with the identity:
//   - logical: pg_dump (custom format, uncompressed: the repository
//     compresses), restored with pg_restore into a fresh server;
//   - physical: pg_basebackup (tar), restored into an empty data
//     directory, on which a server then starts.
//
// Restored data must equal the data at backup time; the Backups record
// the key, logical and stored sizes and the manifest's checksum; no
// object holds the S3 secret or the identity; deleting a Backup deletes
// its objects.
func TestPostgresThroughAnEncryptedS3Repository(t *testing.T) {
	sc := newRepoScenario(t)
	want := fingerprintOf(t, sc.src)

	logical := sc.backup(t, manualBackup("pg-shop-offsite-1", repoLogical, ""), "logical (pg_dump)")
	sc.src.psql(t, shopDB, shopChanges)
	start := time.Now()
	create(t, sc.h.st.RestoreJobs(), restoreJob("pg-shop-offsite-restore", logical.Name, "pg-restore", restoreSecret))
	r := sc.h.waitRestore(t, "pg-shop-offsite-restore", 3*time.Minute)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	t.Logf("logical restore from the repository: %s (RestoreJob created to Completed, wall)", since(start))
	require.Equal(t, want, fingerprintOf(t, sc.dst), "the restored data differs from the data at backup time")
	noSecrets(t, sc.secrets, logical, r)

	want = fingerprintOf(t, sc.src)
	physical := sc.backup(t, manualBackup("pg-shop-offsite-physical-1", repoPhysics, ""), "physical (pg_basebackup)")
	start = time.Now()
	create(t, sc.h.st.RestoreJobs(), restoreJob("pg-shop-offsite-physical-restore", physical.Name, "pg-physical", ""))
	r = sc.h.waitRestore(t, "pg-shop-offsite-physical-restore", 3*time.Minute)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	t.Logf("physical restore from the repository: %s (RestoreJob created to Completed, wall)", since(start))
	restored := sc.pg.start(t, "offsite-physical", sc.physicalDir, sc.srcPass, "archive_mode=off")
	restored.waitPrimary(t, time.Minute)
	require.Equal(t, want, fingerprintOf(t, restored), "the physically restored data differs from the source at backup time")
	noSecrets(t, sc.secrets, physical, r)

	sc.deleteBackup(t, logical)
}

// newRepoScenario starts the servers, loads the source, makes a bucket on
// the S3 server and starts the engine with the repository registered.
func newRepoScenario(t *testing.T) *repoScenario {
	srv := s3env.Require(t)
	pg := requirePostgres(t)
	sc := &repoScenario{pg: pg, srcPass: "src-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		physicalDir: filepath.Join(pg.base, "offsite-physical-restore")}
	dstPass := "dst-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	sc.src = pg.start(t, "offsite-source", pg.initCluster(t, "offsite-source", sc.srcPass), sc.srcPass)
	sc.dst = pg.start(t, "offsite-restore", pg.initCluster(t, "offsite-restore", dstPass), dstPass)
	loadShop(t, sc.src)
	owner := map[string]string{}
	if pg.owner != "" {
		owner[envDataOwner] = pg.owner
	}
	targets := local.Targets{
		{Name: "pg-source-0", Labels: map[string]string{"app": "pg-source"}, Env: map[string]string{"PGPORT": strconv.Itoa(sc.src.port)}},
		{Name: "pg-restore-0", Labels: map[string]string{"app": "pg-restore"}, Env: map[string]string{"PGPORT": strconv.Itoa(sc.dst.port)}},
		{Name: "pg-physical-0", Labels: map[string]string{"app": "pg-physical"}, DataDir: sc.physicalDir, Env: owner},
	}
	reg, secrets := sc.repository(t, srv)
	secrets[sourceSecret] = map[string]string{"username": pgSuperuser, "password": sc.srcPass}
	secrets[restoreSecret] = map[string]string{"username": pgSuperuser, "password": dstPass}
	sc.secrets = append(sc.secrets, sc.srcPass, dstPass)
	sc.h = startEngine(t, time.Now().UTC(), pg.bin, targets, secrets, func(c *dataprotection.Config) {
		c.Repositories = map[string]dataprotection.Repository{repoName: reg}
	})
	for _, obj := range []*v1alpha1.BackupTool{plainDumpTool(), plainBaseBackupTool()} {
		create(t, sc.h.st.BackupTools(), obj)
	}
	for _, p := range []*v1alpha1.BackupPolicy{datafilePolicy(repoLogical, "pg-source", plainDump), datafilePolicy(repoPhysics, "pg-source", plainBase)} {
		p.Annotations = map[string]string{v1alpha1.AnnotationRepository: repoName}
		create(t, sc.h.st.BackupPolicies(), p)
		p = sc.h.waitPolicy(t, p.Name, 20*time.Second)
		require.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, p.Status.FailureReason)
	}
	return sc
}

// repository makes a bucket and registers it: the engine's handle with the
// server's credentials, the description for the local driver, whose
// credentials and identity are in the secrets it returns.
func (sc *repoScenario) repository(t *testing.T, srv *s3env.Server) (dataprotection.Repository, local.SecretMap) {
	bucket := srv.NewBucket(t)
	identity, recipient, err := repository.NewIdentity()
	require.NoError(t, err)
	sc.identity = identity
	sc.secrets = append(sc.secrets, srv.SecretKey, identity)
	cfg := s3.Config{Endpoint: srv.Endpoint, Bucket: bucket, Prefix: "e2e", Region: s3env.Region, PathStyle: true, Insecure: true,
		Credentials: s3.Credentials{AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey}}
	backend, err := s3.Open(cfg)
	require.NoError(t, err)
	sc.repo = repository.New(backend, cfg.Name())
	t.Cleanup(func() { _ = sc.repo.Close() })
	ref := func(secret, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}
	}
	reg := dataprotection.Repository{
		Repository: sc.repo,
		URL: fmt.Sprintf("s3://%s/e2e?endpoint=%s&region=%s&insecure=true&path-style=true",
			bucket, srv.Endpoint, s3env.Region),
		Credentials: []corev1.EnvVar{{Name: drivers.EnvAccessKeyID, ValueFrom: ref(s3Secret, "accessKey")},
			{Name: drivers.EnvSecretAccessKey, ValueFrom: ref(s3Secret, "secretKey")}},
		Recipients: []string{recipient},
		Identity:   &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: ageSecret}, Key: "identity"},
	}
	secrets := local.SecretMap{s3Secret: {"accessKey": srv.AccessKey, "secretKey": srv.SecretKey}, ageSecret: {"identity": identity}}
	return reg, secrets
}

// backup creates b, waits for it to complete, checks what its status says
// about the repository and that the stored backup verifies, and logs its
// sizes and times.
func (sc *repoScenario) backup(t *testing.T, b *v1alpha1.Backup, what string) *v1alpha1.Backup {
	start := time.Now()
	create(t, sc.h.st.Backups(), b)
	b = sc.h.waitBackup(t, b.Name, 3*time.Minute)
	wall := time.Since(start)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	m := b.Status.Manifests.BackupTool
	key := policy.RepositoryKey(b)
	require.Equal(t, key, m.FilePath, "filePath is the repository key")
	require.Equal(t, repoName, b.Annotations[v1alpha1.AnnotationRepository])
	require.Empty(t, b.Status.PersistentVolumeClaimName, "no claim")
	logical, err := strconv.ParseInt(b.Status.TotalSize, 10, 64)
	require.NoError(t, err, "totalSize is bytes")
	stored, err := strconv.ParseInt(m.UploadTotalSize, 10, 64)
	require.NoError(t, err, "uploadTotalSize is bytes")
	sum, ok := strings.CutPrefix(m.CheckSum, "sha256:")
	require.True(t, ok, "checkSum %q", m.CheckSum)

	verifyStart := time.Now()
	ropts := &repository.ReadOptions{Identities: []string{sc.identity}, ManifestSHA256: sum}
	require.NoError(t, sc.repo.Verify(t.Context(), key, ropts), "the stored backup verifies against the recorded checksum")
	rb, err := sc.repo.OpenBackup(t.Context(), key, ropts)
	require.NoError(t, err)
	require.True(t, rb.Manifest().Encrypted())
	require.Equal(t, logical, rb.Manifest().LogicalSize())
	require.Equal(t, stored, rb.Manifest().StoredSize())
	t.Logf("%s %s: Completed in %s (Backup created to Completed, wall; status.duration %s); %s logical, %s stored (ratio %.2f), %d objects under %s; verify with the identity %s",
		what, b.Name, wall.Round(time.Millisecond), b.Status.Duration.Duration.Round(time.Millisecond), mib(logical), mib(stored),
		float64(logical)/float64(stored), len(rb.Manifest().Objects), key, since(verifyStart))
	return b
}

// deleteBackup deletes b and checks that its objects are gone from the
// bucket.
func (sc *repoScenario) deleteBackup(t *testing.T, b *v1alpha1.Backup) {
	key := policy.RepositoryKey(b)
	require.NoError(t, sc.h.st.Backups().Delete(t.Context(), namespace, b.Name, ""))
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := sc.h.st.Backups().Get(t.Context(), namespace, b.Name)
		if drivers.IsNotFound(err) {
			break
		}
		require.NoError(t, err)
		require.True(t, time.Now().Before(deadline), "backup %s was not deleted within a minute", b.Name)
		time.Sleep(pollEvery)
	}
	for a, err := range sc.repo.List(t.Context(), key+"/") {
		require.NoError(t, err)
		t.Errorf("left in the repository after the deletion: %s", a.Key)
	}
}

// plainDumpTool is pgDumpTool without pg_dump's compression: the
// repository compresses (and encrypts) what it stores.
func plainDumpTool() *v1alpha1.BackupTool {
	tool := pgDumpTool()
	tool.Name = plainDump
	tool.Spec.BackupCommands = slices.Clone(tool.Spec.BackupCommands)
	tool.Spec.BackupCommands[0] = `pg_dump --format=custom --compress=0 --file="$DUMP" "$DB_NAME"`
	return tool
}

// plainBaseBackupTool is pgBaseBackupTool's full backup and restore
// without gzip: a tar of the cluster.
func plainBaseBackupTool() *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: plainBase}, Spec: v1alpha1.BackupToolSpec{
		Image: "postgres:15",
		Env:   slices.Clone(pgConnEnv),
		BackupCommands: []string{
			`pg_basebackup --pgdata="$BACKUP_DIR/base" --format=tar --wal-method=fetch --checkpoint=fast --no-sync --label="$BACKUP_NAME"`,
		},
		Physical: v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{
			`test ! -e "$DATA_DIR/PG_VERSION"`,
			`mkdir -p "$DATA_DIR" && tar -xf "$BACKUP_DIR/base/base.tar" -C "$DATA_DIR" && chmod 0700 "$DATA_DIR"`,
			`[ -z "$PGDATA_OWNER" ] || chown -R "$PGDATA_OWNER" "$DATA_DIR"`,
		}},
	}}
}
