package adversarial_test

import (
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

// tenants starts a world with one local target per namespace, each with
// TENANT=<namespace> and the CHECKPOINT (JSON) its backups report, and
// the tenant tool; it returns the targets' data directories by namespace.
func tenants(t *testing.T, checkpoint string, namespaces ...string) (*world, map[string]string) {
	var targets local.Targets
	dataDirs := map[string]string{}
	for _, ns := range namespaces {
		dataDirs[ns] = t.TempDir()
		targets = append(targets, local.Target{Name: ns + "-db", Labels: map[string]string{"app": ns},
			DataDir: dataDirs[ns], Env: map[string]string{"TENANT": ns, "CHECKPOINT": checkpoint}})
	}
	w := newWorld(t, worldOptions{targets: targets})
	_, err := w.st.BackupTools().Create(w.ctx, tenantTool())
	require.NoError(t, err)
	return w, dataDirs
}

// tenantBackup creates Backup namespace/name of policy p (incremental on
// parent when set) and waits for its end.
func (w *world) tenantBackup(namespace, name, parent string) *v1alpha1.Backup {
	w.t.Helper()
	_, err := w.st.Backups().Create(w.ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeDataFile, ParentBackupName: parent}})
	require.NoError(w.t, err)
	return w.waitBackup(namespace, name, time.Minute, func(b *v1alpha1.Backup) bool { return b.Status.Phase.IsTerminal() })
}

// restore creates RestoreJob namespace/name of backup into the target
// app=<namespace> and waits for its end.
func (w *world) restore(namespace, name, backup string) *v1alpha1.RestoreJob {
	w.t.Helper()
	_, err := w.st.RestoreJobs().Create(w.ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: backup,
			Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": namespace}}}}})
	require.NoError(w.t, err)
	deadline := time.Now().Add(time.Minute)
	for {
		r, err := w.st.RestoreJobs().Get(w.ctx, namespace, name)
		require.NoError(w.t, err)
		if r.Status.Phase.IsTerminal() {
			return r
		}
		require.True(w.t, time.Now().Before(deadline), "restore %s/%s: timeout; phase %q", namespace, name, r.Status.Phase)
		time.Sleep(20 * time.Millisecond)
	}
}

// Class 3, status redirecting deletion and restore: two tenants with alike
// policies (same claim, same path prefix); the attacker's status update,
// and then the attacker writing its own Backup's status, point
// attacker/b1 at victim/b1's data. Bound: restoring attacker/b1 restores
// the attacker's data, deleting it deletes only the attacker's directory,
// and the victim's data is untouched. (Executor level, with a fake driver:
// executor TestStatusCannotRedirectDeletionToAnotherTenant and
// TestStatusCannotRedirectRestoreToAnotherTenant.)
func TestClass03StatusCannotRedirectDeletionOrRestore(t *testing.T) {
	w, dataDirs := tenants(t, `"0"`, "victim", "attacker")
	redirect := `echo '{"persistentVolumeClaimName":"shared","manifests":{"backupTool":{"filePath":"/backupdata/victim/shared/b1"}}}'`
	for ns, updates := range map[string][]v1alpha1.BackupStatusUpdate{"victim": nil,
		"attacker": {{Script: redirect, UpdateStage: v1alpha1.PostBackup}}} {
		_, err := w.st.BackupPolicies().Create(w.ctx, tenantPolicy(ns, updates...))
		require.NoError(t, err)
	}
	for _, ns := range []string{"victim", "attacker"} {
		b := w.tenantBackup(ns, "b1", "")
		require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	}
	victimData := filepath.Join(w.root, "shared", "victim", "shared", "b1", "data")
	requireFile(t, victimData, "victim\n")

	a, err := w.st.Backups().Get(w.ctx, "attacker", "b1")
	require.NoError(t, err)
	assert.Equal(t, "/backupdata/attacker/shared/b1", a.Status.Manifests.BackupTool.FilePath, "the status update could not move it")
	a.Status.Manifests.BackupTool.FilePath = "/backupdata/victim/shared/b1"
	_, err = w.st.Backups().UpdateStatus(w.ctx, a)
	require.NoError(t, err)

	r := w.restore("attacker", "r1", "b1")
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	requireFile(t, filepath.Join(dataDirs["attacker"], "restored"), "attacker\n")

	require.NoError(t, w.st.Backups().Delete(w.ctx, "attacker", "b1", ""))
	deadline := time.Now().Add(time.Minute)
	for _, err := w.st.Backups().Get(w.ctx, "attacker", "b1"); err == nil; _, err = w.st.Backups().Get(w.ctx, "attacker", "b1") {
		require.True(t, time.Now().Before(deadline), "attacker/b1 is still there")
		time.Sleep(20 * time.Millisecond)
	}
	requireFile(t, victimData, "victim\n")
	_, err = os.Stat(filepath.Join(w.root, "shared", "attacker", "shared", "b1"))
	assert.True(t, os.IsNotExist(err), "the attacker's own data is deleted: %v", err)
}

// Class 8, status values becoming code: a full backup's tool reports the
// CheckPoint `x"; touch <marker>; echo "`; the incremental backup on top
// of it refers to $(PARENT_CHECKPOINT) in its command. Bound: the value
// reaches the command as data (written to a file as it is), and the touch
// never runs. (How policy builds the command: policy
// TestStatusValuesReachCommandsOnlyAsEnvironment.)
func TestClass08StatusValuesNeverRunAsCode(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	checkpoint := `x"; touch ` + marker + `; echo "`
	w, _ := tenants(t, `"`+strings.ReplaceAll(checkpoint, `"`, `\"`)+`"`, "tenant")
	_, err := w.st.BackupPolicies().Create(w.ctx, tenantPolicy("tenant"))
	require.NoError(t, err)
	full := w.tenantBackup("tenant", "full", "")
	require.Equal(t, v1alpha1.BackupCompleted, full.Status.Phase, full.Status.FailureReason)
	require.Equal(t, checkpoint, full.Status.Manifests.BackupTool.CheckPoint)

	incr := w.tenantBackup("tenant", "incr", "full")
	require.Equal(t, v1alpha1.BackupCompleted, incr.Status.Phase, incr.Status.FailureReason)
	_, err = os.Stat(marker)
	assert.True(t, os.IsNotExist(err), "the CheckPoint ran as a command: %v", err)
	requireFile(t, filepath.Join(w.root, "shared", "tenant", "shared", "incr", "from"), checkpoint+"\n")
}

// requireFile fails the test unless the file at path holds want.
func requireFile(t *testing.T, path, want string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(data))
}
