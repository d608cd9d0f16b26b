package executor_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/repository/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// flakyBackend is a memory Backend whose calls fail with err while it is
// set.
type flakyBackend struct {
	repository.Backend
	err error
}

func (f *flakyBackend) Stat(ctx context.Context, key string) (repository.Attributes, error) {
	if f.err != nil {
		return repository.Attributes{}, f.err
	}
	return f.Backend.Stat(ctx, key)
}

func (f *flakyBackend) List(ctx context.Context, opts repository.ListOptions) (repository.ListPage, error) {
	if f.err != nil {
		return repository.ListPage{}, f.err
	}
	return f.Backend.List(ctx, opts)
}

func (f *flakyBackend) Delete(ctx context.Context, key string) error {
	if f.err != nil {
		return f.err
	}
	return f.Backend.Delete(ctx, key)
}

func secretKey(name, key string) *corev1.SecretKeySelector {
	return &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
}

// offsite registers a repository "offsite" over backend in the harness.
func (h *harness) offsite(backend repository.Backend) *repository.Repository {
	repo := repository.New(backend, "mem://offsite")
	_, recipient, err := repository.NewIdentity()
	require.NoError(h.t, err)
	h.repos = map[string]executor.Repository{"offsite": {Repository: repo, URL: "s3://backups/dp?endpoint=s3.local:9000",
		Credentials: []corev1.EnvVar{{Name: drivers.EnvAccessKeyID, Value: "AKID"},
			{Name: drivers.EnvSecretAccessKey, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: secretKey("s3", "secret")}}},
		Recipients: []string{recipient}, Identity: secretKey("age", "identity")}}
	h.ex = h.newExecutor()
	return repo
}

func inOffsite(p *v1alpha1.BackupPolicy) {
	p.Annotations = map[string]string{v1alpha1.AnnotationRepository: "offsite"}
}

// uploaded is what a driver reports for a backup it uploaded.
var uploaded = &drivers.RepositoryResult{Key: "demo/pg/b1", ManifestSHA256: strings.Repeat("5a", 32), Objects: 2,
	LogicalSize: 10 << 20, StoredSize: 3 << 20}

func TestNewRefusesUnusableRepositories(t *testing.T) {
	repo := repository.New(memory.New(), "mem://")
	good := executor.Repository{Repository: repo, URL: "file:///backups"}
	for name, c := range map[string]struct {
		name string
		r    func(executor.Repository) executor.Repository
		want string
	}{
		"no handle":            {"a", func(r executor.Repository) executor.Repository { r.Repository = nil; return r }, "no Repository handle"},
		"a bad name":           {"Off Site", func(r executor.Repository) executor.Repository { return r }, "not a valid name"},
		"an unknown scheme":    {"a", func(r executor.Repository) executor.Repository { r.URL = "ftp://x"; return r }, "not a repository URL"},
		"credentials in a URL": {"a", func(r executor.Repository) executor.Repository { r.URL = "s3://AK:s3cr3t@bucket"; return r }, "holds credentials"},
		"a secret as a value": {"a", func(r executor.Repository) executor.Repository {
			r.Credentials = []corev1.EnvVar{{Name: drivers.EnvSecretAccessKey, Value: "s3cr3t"}}
			return r
		}, "AWS_SECRET_ACCESS_KEY is a secret"},
		"a bad recipient": {"a", func(r executor.Repository) executor.Repository { r.Recipients = []string{"age1nope"}; return r }, "not an age X25519 public key"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := newHarness(t, nil).config()
			cfg.Repositories = map[string]executor.Repository{c.name: c.r(good)}
			_, err := executor.New(cfg)
			require.ErrorContains(t, err, c.want)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

func TestPolicyWithAnUnknownRepositoryFails(t *testing.T) {
	h := newHarness(t, nil)
	h.offsite(memory.New())
	h.setup(backupPolicy(func(p *v1alpha1.BackupPolicy) {
		p.Annotations = map[string]string{v1alpha1.AnnotationRepository: "ofsite"}
	}))
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, "metadata.annotations[dataprotection.kubeblocks.io/repository]")
	assert.Contains(t, p.Status.FailureReason, `no repository is registered as "ofsite" (registered: offsite)`)
}

func TestBackupToARepositoryRecordsWhereAndHowMuch(t *testing.T) {
	h := newHarness(t, func(t *drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Polls: 3, BytesPerPoll: 1 << 20, TotalSize: uploaded.LogicalSize, Repository: uploaded}
	})
	h.offsite(memory.New())
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))

	b := h.runBackup("b1", 20, func(b *v1alpha1.Backup) bool {
		h.clock.Step(executor.ProgressInterval) // a Progress event at each running step
		return b.Status.Phase.IsTerminal()
	})
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	s := b.Status
	assert.Equal(t, "offsite", b.Annotations[v1alpha1.AnnotationRepository])
	assert.Empty(t, s.PersistentVolumeClaimName)
	assert.Equal(t, "demo/pg/b1", s.Manifests.BackupTool.FilePath, "the key, derived")
	assert.Equal(t, "10485760", s.TotalSize, "logical bytes")
	assert.Equal(t, "3145728", s.Manifests.BackupTool.UploadTotalSize, "stored bytes")
	assert.Equal(t, "sha256:"+uploaded.ManifestSHA256, s.Manifests.BackupTool.CheckSum)

	task := h.driver.Started()[0]
	require.NotNil(t, task.Repository)
	assert.Equal(t, &drivers.Transfer{Key: "demo/pg/b1", Path: "demo/b1"}, task.Repository.Push)
	assert.Equal(t, "s3://backups/dp?endpoint=s3.local:9000", task.Repository.URL)
	for _, v := range task.Repository.Env {
		assert.NotEqual(t, drivers.EnvRepositoryIdentity, v.Name, "a backup never gets the identity")
	}
	events := strings.Join(h.drainEvents(), "\n")
	assert.Contains(t, events, "Normal Progress 2.0 MiB moved so far")
	assert.Contains(t, events, `stored in repository "offsite" under demo/pg/b1 (3145728 bytes stored)`)
}

func TestProgressIsAMetricAndAnEventEveryThirtySeconds(t *testing.T) {
	h := newHarness(t, func(t *drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Polls: 100, BytesPerPoll: 1 << 20, Repository: uploaded}
	})
	h.offsite(memory.New())
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	key := types.NamespacedName{Namespace: ns, Name: "b1"}
	for range 14 { // 3 steps to start, then 11 polls, 2 s apart: 20 s
		_, err := h.ex.ReconcileBackup(h.ctx, key)
		require.NoError(t, err)
		h.clock.Step(2 * time.Second)
	}
	assert.NotContains(t, strings.Join(h.drainEvents(), "\n"), "Progress", "no event within 30 s")
	for range 10 {
		_, err := h.ex.ReconcileBackup(h.ctx, key)
		require.NoError(t, err)
		h.clock.Step(2 * time.Second)
	}
	var progress []string
	for _, e := range h.drainEvents() {
		if strings.Contains(e, "Progress") {
			progress = append(progress, e)
		}
	}
	require.Len(t, progress, 1, "one event in the next 20 s")
	assert.Regexp(t, `Normal Progress \d+\.\d MiB moved so far, 512\.0 KiB/s`, progress[0])
}

func TestBackupFailsWhenItsRepositoryCannotBeUsed(t *testing.T) {
	h := newHarness(t, nil)
	backend := &flakyBackend{Backend: memory.New(), err: drivers.Errorf(drivers.PermissionDenied,
		`s3 repository s3://s3.local:9000/backups: access to bucket "backups" denied (InvalidAccessKeyId): check the credentials`)}
	h.offsite(backend)
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))

	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupFailed, b.Status.Phase)
	assert.Contains(t, b.Status.FailureReason, `repository "offsite" cannot be used`)
	assert.Contains(t, b.Status.FailureReason, "InvalidAccessKeyId): check the credentials")
	assert.Empty(t, h.driver.Started(), "the tool never ran")
}

func TestDeletingABackupDeletesItsRepositoryData(t *testing.T) {
	h := newHarness(t, func(t *drivers.Task) memdriver.Outcome { return memdriver.Outcome{Repository: uploaded} })
	backend := &flakyBackend{Backend: memory.New()}
	repo := h.offsite(backend)
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	b := h.runBackup("b1", 20, terminalPhase)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	w, err := repo.NewBackup("demo/pg/b1", nil)
	require.NoError(t, err)
	_, err = w.Put(h.ctx, "dump.sql", strings.NewReader("data"), 0o600)
	require.NoError(t, err)
	_, err = w.Commit(h.ctx)
	require.NoError(t, err)
	h.drainEvents()

	require.NoError(t, h.store.Backups().Delete(h.ctx, ns, "b1", ""))
	backend.err = drivers.Errorf(drivers.Unavailable, "endpoint unreachable")
	res, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
	require.NoError(t, err)
	assert.Positive(t, res.RequeueAfter, "retried later")
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), `Warning DeleteFailed deleting the backup's data from repository "offsite" failed`)
	h.getBackup("b1")

	backend.err = nil
	h.reconcileUntilGone("b1", 10)
	assert.Contains(t, strings.Join(h.drainEvents(), "\n"), `the backup's data was deleted from repository "offsite"`)
	for a, err := range repo.List(h.ctx, "demo/") {
		require.NoError(t, err)
		t.Errorf("left in the repository: %s", a.Key)
	}
}

func TestRestoreFromARepositoryDownloadsTheChainWithTheIdentity(t *testing.T) {
	h := newHarness(t, func(t *drivers.Task) memdriver.Outcome {
		r := *uploaded
		r.Key = t.Owner.Namespace + "/pg/" + t.Owner.Name
		return memdriver.Outcome{Repository: &r}
	})
	h.offsite(memory.New())
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	require.Equal(t, v1alpha1.BackupCompleted, h.runBackup("b1", 20, terminalPhase).Status.Phase)
	inc := backup("b2", v1alpha1.BackupTypeDataFile)
	inc.Spec.ParentBackupName = "b1"
	h.create(inc)
	require.Equal(t, v1alpha1.BackupCompleted, h.runBackup("b2", 20, terminalPhase).Status.Phase)
	_, err := h.store.RestoreJobs().Create(h.ctx, restoreJob("r1", "b2"))
	require.NoError(t, err)

	r := h.runRestore("r1", 20)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	started := h.driver.Started()
	restore := started[len(started)-1]
	require.Equal(t, drivers.KindRestore, restore.Kind)
	require.NotNil(t, restore.Repository)
	sum := strings.Repeat("5a", 32)
	assert.Equal(t, []drivers.Transfer{{Key: "demo/pg/b1", Path: "demo/b1", ManifestSHA256: sum},
		{Key: "demo/pg/b2", Path: "demo/b2", ManifestSHA256: sum}}, restore.Repository.Pull)
	assert.Contains(t, restore.Repository.Env, corev1.EnvVar{Name: drivers.EnvRepositoryIdentity,
		ValueFrom: &corev1.EnvVarSource{SecretKeyRef: secretKey("age", "identity")}})
}

// TestProgressMetric reads the bytes-done gauge while a task runs.
func TestProgressMetric(t *testing.T) {
	h := newHarness(t, func(t *drivers.Task) memdriver.Outcome {
		return memdriver.Outcome{Polls: 100, BytesPerPoll: 1000, Repository: uploaded}
	})
	h.offsite(memory.New())
	reg := prometheus.NewRegistry()
	cfg := h.config()
	cfg.Metrics = reg
	h.ex = newEngine(cfg)
	h.setup(backupPolicy(inOffsite))
	h.create(backup("b1", v1alpha1.BackupTypeDataFile))
	for range 5 {
		_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
		require.NoError(t, err)
	}
	families, err := reg.Gather()
	require.NoError(t, err)
	var got []string
	for _, f := range families {
		if f.GetName() != "dataprotection_task_bytes_done" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			got = append(got, fmt.Sprintf("%s %s/%s %v", labels["kind"], labels["namespace"], labels["name"], m.GetGauge().GetValue()))
		}
	}
	assert.Equal(t, []string{"Backup demo/b1 2000"}, got, "two polls after the start")
}
