package drivertest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"path"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func engineCases() []testCase {
	return []testCase{
		{"the engine backs up, restores and deletes through the driver", testEngine},
	}
}

// engine is the end-to-end case's world: a memory store and an executor
// with the driver under test registered as "job".
type engine struct {
	t     *testing.T
	e     *env
	setup EngineSetup
	store *memory.Store
	ex    *executor.Executor
}

func (e *env) engineSetup(t *testing.T) EngineSetup {
	var s EngineSetup
	if eh, ok := e.h.(EngineHarness); ok {
		var err error
		s, err = eh.EngineSetup(e.ctx)
		require.NoError(t, err, "EngineSetup")
	}
	if s.Labels == nil {
		s.Labels = map[string]string{"app": "drivertest"}
	}
	if s.Targets == nil {
		s.Targets = targets.Static{{Name: "drivertest-0", Host: "127.0.0.1", Labels: s.Labels}}
	}
	if s.Namespace == "" {
		s.Namespace = "drivertest"
	}
	if s.Claim == "" {
		s.Claim = Claim
	}
	if s.Image == "" {
		s.Image = "busybox:1.36"
	}
	return s
}

func testEngine(t *testing.T, e *env) {
	if !e.supports(v1alpha1.BackupTypeDataFile, drivers.KindBackup, drivers.KindRestore) {
		t.Skip("drivertest: the driver does not run backup and restore tasks of datafile backups")
	}
	g := &engine{t: t, e: e, setup: e.engineSetup(t), store: memory.New(memory.Options{})}
	t.Cleanup(func() { _ = g.store.Close() })
	ex, err := executor.New(executor.Config{Store: g.store, Drivers: drivers.Registry{drivers.NameJob: e.d}, Targets: g.setup.Targets,
		Options: executor.Options{PollInterval: time.Millisecond, RetryDelay: time.Millisecond, CallTimeout: e.timeouts.Finish}})
	require.NoError(t, err, "executor.New")
	g.ex = ex
	data := randomHex(8 << 10)
	g.createPolicy(data)

	name := "dt-backup-" + e.run
	b := g.runBackup(name)
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, "Backup failed: %s", b.Status.FailureReason)
	sum := sha256.Sum256([]byte(data))
	dir := path.Join(g.setup.Namespace, name)
	assert.Equal(t, strconv.Itoa(len(data)), b.Status.TotalSize, "totalSize: bytes, without a suffix")
	require.NotNil(t, b.Status.Manifests)
	require.NotNil(t, b.Status.Manifests.BackupTool)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), b.Status.Manifests.BackupTool.CheckSum, "checkSum")
	assert.Equal(t, path.Join("/backupdata", dir), b.Status.Manifests.BackupTool.FilePath, "filePath")
	assert.Equal(t, data, e.readFile(t, g.setup.Claim, path.Join(dir, "data.bin")), "the backup's data")

	r := g.runRestore("dt-restore-"+e.run, name)
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, "RestoreJob failed: %s", r.Status.FailureReason)
	assert.Equal(t, data, e.readFile(t, g.setup.Claim, path.Join(dir+".restored", "data.bin")), "the restored data")

	if !e.caps.Supports(drivers.KindDeleteArtifacts, v1alpha1.BackupTypeDataFile) {
		return
	}
	require.NoError(t, g.store.Backups().Delete(e.ctx, g.setup.Namespace, name, ""))
	g.until("the Backup is deleted", func() bool {
		_, err := g.ex.ReconcileBackup(e.ctx, types.NamespacedName{Namespace: g.setup.Namespace, Name: name})
		require.NoError(t, err, "ReconcileBackup")
		_, err = g.store.Backups().Get(e.ctx, g.setup.Namespace, name)
		return err != nil
	})
	_, err = e.h.ReadFile(e.ctx, g.setup.Claim, path.Join(dir, "data.bin"))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "the data of a deleted Backup is removed: %v", err)
}

// createPolicy creates the BackupTool (whose backup writes data into
// BACKUP_DIR, and whose restore copies it to BACKUP_DIR.restored) and the
// BackupPolicy, and validates it.
func (g *engine) createPolicy(data string) {
	t, ctx, s := g.t, g.e.ctx, g.setup
	tool := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "dt-tool-" + g.e.run}, Spec: v1alpha1.BackupToolSpec{
		Image: s.Image,
		Env: []corev1.EnvVar{{Name: "DT_DATA", Value: data},
			{Name: "RESTORE_DIR", Value: "$(BACKUP_DIR).restored"}},
		BackupCommands: []string{`mkdir -p "$BACKUP_DIR"`, `printf '%s' "$DT_DATA" > "$BACKUP_DIR/data.bin"`},
		Physical: v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`mkdir -p "$RESTORE_DIR"`,
			`cp "$BACKUP_DIR/data.bin" "$RESTORE_DIR/data.bin"`}},
	}}
	_, err := g.store.BackupTools().Create(ctx, tool)
	require.NoError(t, err)
	p := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: s.Namespace, Name: "dt-policy"}, Spec: v1alpha1.BackupPolicySpec{
		Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy:            v1alpha1.BasePolicy{Target: g.target()},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: s.Claim},
			BackupToolName:        tool.Name,
		},
	}}
	_, err = g.store.BackupPolicies().Create(ctx, p)
	require.NoError(t, err)
	_, err = g.ex.ReconcileBackupPolicy(ctx, types.NamespacedName{Namespace: s.Namespace, Name: p.Name})
	require.NoError(t, err)
	got, err := g.store.BackupPolicies().Get(ctx, s.Namespace, p.Name)
	require.NoError(t, err)
	require.Equal(t, v1alpha1.PolicyAvailable, got.Status.Phase, "BackupPolicy: %s", got.Status.FailureReason)
}

func (g *engine) target() v1alpha1.TargetCluster {
	return v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: g.setup.Labels}}
}

// runBackup creates a Backup and reconciles it until it is finished.
func (g *engine) runBackup(name string) *v1alpha1.Backup {
	ctx, ns := g.e.ctx, g.setup.Namespace
	_, err := g.store.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "dt-policy", BackupType: v1alpha1.BackupTypeDataFile}})
	require.NoError(g.t, err)
	var b *v1alpha1.Backup
	g.until("the Backup is finished", func() bool {
		_, err := g.ex.ReconcileBackup(ctx, types.NamespacedName{Namespace: ns, Name: name})
		require.NoError(g.t, err, "ReconcileBackup")
		b, err = g.store.Backups().Get(ctx, ns, name)
		require.NoError(g.t, err)
		return b.Status.Phase.IsTerminal()
	})
	return b
}

// runRestore creates a RestoreJob of backup and reconciles it until it is
// finished.
func (g *engine) runRestore(name, backup string) *v1alpha1.RestoreJob {
	ctx, ns := g.e.ctx, g.setup.Namespace
	_, err := g.store.RestoreJobs().Create(ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: backup, Target: g.target()}})
	require.NoError(g.t, err)
	var r *v1alpha1.RestoreJob
	g.until("the RestoreJob is finished", func() bool {
		_, err := g.ex.ReconcileRestoreJob(ctx, types.NamespacedName{Namespace: ns, Name: name})
		require.NoError(g.t, err, "ReconcileRestoreJob")
		r, err = g.store.RestoreJobs().Get(ctx, ns, name)
		require.NoError(g.t, err)
		return r.Status.Phase.IsTerminal()
	})
	return r
}

// until calls step until it returns true, polling every few milliseconds,
// for at most the harness's Finish timeout.
func (g *engine) until(what string, step func() bool) {
	g.t.Helper()
	deadline := time.Now().Add(g.e.timeouts.Finish)
	for !step() {
		if time.Now().After(deadline) {
			require.FailNowf(g.t, "timeout", "%s: not done after %s", what, g.e.timeouts.Finish)
		}
		time.Sleep(pollEvery)
	}
}
