package executor_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// redirect is what the attacker's status update prints: the victim's
// backup as its own location.
const redirect = `{"persistentVolumeClaimName":"victim-data","manifests":{"backupTool":{"filePath":"/backupdata/victim/b1"}}}`

// twoTenants runs backup b1 in the namespaces victim and attacker, with
// policies alike (same claim, same path prefix); the attacker's policy has a
// status update that points its backup at the victim's data. It returns
// the harness and both Backups, Completed.
func twoTenants(t *testing.T) (*harness, *v1alpha1.Backup) {
	h := newHarness(t, func(task *drivers.Task) memdriver.Outcome {
		if task.Kind == drivers.KindStatusUpdate {
			return memdriver.Outcome{Output: []byte(redirect)}
		}
		return memdriver.Outcome{}
	})
	_, err := h.store.BackupTools().Create(h.ctx, tool())
	require.NoError(t, err)
	for _, tenant := range []string{"victim", "attacker"} {
		p := backupPolicy(func(p *v1alpha1.BackupPolicy) {
			p.Namespace = tenant
			p.Annotations = map[string]string{v1alpha1.AnnotationPathPrefix: "/shared"}
			if tenant == "attacker" {
				p.Spec.Datafile.BackupStatusUpdates = []v1alpha1.BackupStatusUpdate{{Script: "echo", UpdateStage: v1alpha1.PostBackup}}
			}
		})
		_, err = h.store.BackupPolicies().Create(h.ctx, p)
		require.NoError(t, err)
		_, err = h.ex.ReconcileBackupPolicy(h.ctx, types.NamespacedName{Namespace: tenant, Name: "pg"})
		require.NoError(t, err)
		b := backup("b1", v1alpha1.BackupTypeDataFile)
		b.Namespace = tenant
		_, err = h.store.Backups().Create(h.ctx, b)
		require.NoError(t, err)
		for range 20 {
			res, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: tenant, Name: "b1"})
			require.NoError(t, err)
			h.step(res)
		}
	}
	a, err := h.store.Backups().Get(h.ctx, "attacker", "b1")
	require.NoError(t, err)
	require.Equal(t, v1alpha1.BackupCompleted, a.Status.Phase, a.Status.FailureReason)
	return h, a
}

// TestStatusCannotRedirectDeletionToAnotherTenant: a status update that
// names the victim's claim and directory changes neither; and even a status
// written directly (by a user with the status subresource) does not make
// the deletion of attacker/b1 delete victim/b1's data.
func TestStatusCannotRedirectDeletionToAnotherTenant(t *testing.T) {
	h, a := twoTenants(t)
	assert.Equal(t, "backup-data", a.Status.PersistentVolumeClaimName, "a status update cannot write where the data is")
	assert.Equal(t, "/backupdata/attacker/shared/b1", a.Status.Manifests.BackupTool.FilePath)

	a.Status.PersistentVolumeClaimName, a.Status.Manifests.BackupTool.FilePath = "victim-data", "/backupdata/victim/shared/b1"
	_, err := h.store.Backups().UpdateStatus(h.ctx, a)
	require.NoError(t, err)
	require.NoError(t, h.store.Backups().Delete(h.ctx, "attacker", "b1", ""))
	for range 20 {
		res, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: "attacker", Name: "b1"})
		require.NoError(t, err)
		h.step(res)
	}
	_, err = h.store.Backups().Get(h.ctx, "attacker", "b1")
	require.True(t, drivers.IsNotFound(err), "attacker/b1 is deleted: %v", err)

	deletions := startedOf(h, drivers.KindDeleteArtifacts)
	require.Len(t, deletions, 1)
	assert.Equal(t, &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "attacker/shared/b1"}, deletions[0].Storage)
}

// TestStatusCannotRedirectRestoreToAnotherTenant: restoring attacker/b1,
// whose status names the victim's data, reads the attacker's own.
func TestStatusCannotRedirectRestoreToAnotherTenant(t *testing.T) {
	h, a := twoTenants(t)
	a.Status.PersistentVolumeClaimName, a.Status.Manifests.BackupTool.FilePath = "victim-data", "/backupdata/victim/shared/b1"
	_, err := h.store.Backups().UpdateStatus(h.ctx, a)
	require.NoError(t, err)
	r := restoreJob("r1", "b1")
	r.ObjectMeta = metav1.ObjectMeta{Namespace: "attacker", Name: "r1"}
	_, err = h.store.RestoreJobs().Create(h.ctx, r)
	require.NoError(t, err)
	for range 20 {
		res, err := h.ex.ReconcileRestoreJob(h.ctx, types.NamespacedName{Namespace: "attacker", Name: "r1"})
		require.NoError(t, err)
		h.step(res)
	}
	restores := startedOf(h, drivers.KindRestore)
	require.NotEmpty(t, restores)
	for _, task := range restores {
		assert.Equal(t, &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "attacker/shared/b1"}, task.Storage)
		assert.Equal(t, "/backupdata/attacker/shared/b1", task.Steps[0].Env[1].Value, "BACKUP_DIR")
	}
}
