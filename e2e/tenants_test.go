package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The adversarial tests run the embedded engine (bolt store, local driver,
// local targets) with real files and real shell commands; they need no
// database.

// tenantTool writes the target's TENANT into the backup, restores it into
// the target's data directory, and, for an incremental backup, writes the
// parent's CheckPoint to a file. A full backup reports the CheckPoint its
// target's CHECKPOINT variable holds.
func tenantTool() *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tenant-tool"}, Spec: v1alpha1.BackupToolSpec{
		Image: "busybox",
		BackupCommands: []string{
			`printf '%s\n' "$TENANT" > "$BACKUP_DIR/data"`,
			`printf '{"backupTool":{"CheckPoint":%s}}\n' "$CHECKPOINT"`,
		},
		IncrementalBackupCommands: []string{`echo "$(PARENT_CHECKPOINT)" > "$BACKUP_DIR/from"`},
		Physical:                  v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`cp "$BACKUP_DIR/data" "$DATA_DIR/restored"`}},
	}}
}

// tenantPolicy backs up the target app=<namespace> into the claim
// "shared", under the path prefix "/shared": alike in every namespace.
func tenantPolicy(namespace string, updates ...v1alpha1.BackupStatusUpdate) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "p",
		Annotations: map[string]string{v1alpha1.AnnotationPathPrefix: "/shared"}}, Spec: v1alpha1.BackupPolicySpec{
		Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{BackupStatusUpdates: updates, Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": namespace}}}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "shared"},
			BackupToolName:        "tenant-tool",
		}}}
}

// tenantBackup is Backup namespace/name of policy p.
func tenantBackup(namespace, name, parent string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeDataFile, ParentBackupName: parent}}
}

// startTenants runs the engine over one local target per namespace, each
// with TENANT=<namespace> and the CHECKPOINT (JSON) its backups report,
// and returns the targets' data directories by namespace.
func startTenants(t *testing.T, checkpoint string, namespaces ...string) (*harness, map[string]string) {
	var targets local.Targets
	dataDirs := map[string]string{}
	for _, ns := range namespaces {
		dataDirs[ns] = t.TempDir()
		targets = append(targets, local.Target{Name: ns + "-db", Labels: map[string]string{"app": ns},
			DataDir: dataDirs[ns], Env: map[string]string{"TENANT": ns, "CHECKPOINT": checkpoint}})
	}
	h := startEngine(t, time.Now().UTC(), t.TempDir(), targets, local.SecretMap{})
	create(t, h.st.BackupTools(), tenantTool())
	return h, dataDirs
}

// waitBackupIn waits until Backup namespace/name is Completed or Failed.
func (h *harness) waitBackupIn(t *testing.T, namespace, name string) *v1alpha1.Backup {
	t.Helper()
	return waitFor(t, time.Minute, "backup "+namespace+"/"+name+" to finish",
		func(ctx context.Context) (*v1alpha1.Backup, error) { return h.st.Backups().Get(ctx, namespace, name) },
		func(b *v1alpha1.Backup) bool { return b.Status.Phase.IsTerminal() },
		func(b *v1alpha1.Backup) string { return string(b.Status.Phase) + " " + b.Status.FailureReason })
}

// TestTenantCannotReachAnotherTenantsData: two namespaces back up b1 with
// alike policies (same claim, same path prefix). The attacker's status
// update points its backup at the victim's data, and the attacker rewrites
// its status as well; restoring attacker/b1 restores the attacker's data,
// and deleting it leaves the victim's.
func TestTenantCannotReachAnotherTenantsData(t *testing.T) {
	h, dataDirs := startTenants(t, `"0"`, "victim", "attacker")
	redirect := `echo '{"persistentVolumeClaimName":"shared","manifests":{"backupTool":{"filePath":"/backupdata/victim/shared/b1"}}}'`
	create(t, h.st.BackupPolicies(), tenantPolicy("victim"))
	create(t, h.st.BackupPolicies(), tenantPolicy("attacker", v1alpha1.BackupStatusUpdate{Script: redirect, UpdateStage: v1alpha1.PostBackup}))
	for _, ns := range []string{"victim", "attacker"} {
		create(t, h.st.Backups(), tenantBackup(ns, "b1", ""))
		b := h.waitBackupIn(t, ns, "b1")
		require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	}
	victimData := filepath.Join(h.root, "shared", "victim", "shared", "b1", "data")
	requireFile(t, victimData, "victim\n")

	ctx := context.Background()
	a, err := h.st.Backups().Get(ctx, "attacker", "b1")
	require.NoError(t, err)
	assert.Equal(t, "/backupdata/attacker/shared/b1", a.Status.Manifests.BackupTool.FilePath, "the status update could not move it")
	a.Status.Manifests.BackupTool.FilePath = "/backupdata/victim/shared/b1"
	_, err = h.st.Backups().UpdateStatus(ctx, a)
	require.NoError(t, err)

	r := restoreJob("r1", "b1", "attacker", "")
	r.Namespace = "attacker"
	create(t, h.st.RestoreJobs(), r)
	r = waitFor(t, time.Minute, "restore attacker/r1",
		func(ctx context.Context) (*v1alpha1.RestoreJob, error) {
			return h.st.RestoreJobs().Get(ctx, "attacker", "r1")
		},
		func(r *v1alpha1.RestoreJob) bool { return r.Status.Phase.IsTerminal() },
		func(r *v1alpha1.RestoreJob) string { return string(r.Status.Phase) + " " + r.Status.FailureReason })
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	requireFile(t, filepath.Join(dataDirs["attacker"], "restored"), "attacker\n")

	require.NoError(t, h.st.Backups().Delete(ctx, "attacker", "b1", ""))
	waitFor(t, time.Minute, "attacker/b1 to be deleted",
		func(ctx context.Context) (bool, error) {
			_, err := h.st.Backups().Get(ctx, "attacker", "b1")
			return err != nil, nil
		},
		func(gone bool) bool { return gone }, func(bool) string { return "still there" })
	requireFile(t, victimData, "victim\n")
	_, err = os.Stat(filepath.Join(h.root, "shared", "attacker", "shared", "b1"))
	assert.True(t, os.IsNotExist(err), "the attacker's own data is deleted: %v", err)
}

// TestStatusValuesNeverRunAsCode: a full backup's tool reports the
// CheckPoint `x"; touch <marker>; echo "`; the incremental backup on top
// of it refers to $(PARENT_CHECKPOINT) in its command: the value reaches
// the command as data, and the touch never runs.
func TestStatusValuesNeverRunAsCode(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	checkpoint := `x"; touch ` + marker + `; echo "`
	h, _ := startTenants(t, `"`+strings.ReplaceAll(checkpoint, `"`, `\"`)+`"`, "tenant")
	create(t, h.st.BackupPolicies(), tenantPolicy("tenant"))
	create(t, h.st.Backups(), tenantBackup("tenant", "full", ""))
	full := h.waitBackupIn(t, "tenant", "full")
	require.Equal(t, v1alpha1.BackupCompleted, full.Status.Phase, full.Status.FailureReason)
	require.Equal(t, checkpoint, full.Status.Manifests.BackupTool.CheckPoint)

	create(t, h.st.Backups(), tenantBackup("tenant", "incr", "full"))
	incr := h.waitBackupIn(t, "tenant", "incr")
	require.Equal(t, v1alpha1.BackupCompleted, incr.Status.Phase, incr.Status.FailureReason)
	_, err := os.Stat(marker)
	assert.True(t, os.IsNotExist(err), "the CheckPoint ran as a command: %v", err)
	requireFile(t, filepath.Join(h.root, "shared", "tenant", "shared", "incr", "from"), checkpoint+"\n")
}

// requireFile fails the test unless the file at path holds want.
func requireFile(t *testing.T, path, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(data))
}
