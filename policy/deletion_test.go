package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestResolveDeletion(t *testing.T) {
	snapshot := func(recorded string) *v1alpha1.Backup {
		b := completed("snap-1", "")
		b.Spec.BackupType = v1alpha1.BackupTypeSnapshot
		b.Annotations[v1alpha1.AnnotationDriver] = drivers.NameSnapshot
		b.Status.PersistentVolumeClaimName, b.Status.Manifests = "", nil
		if recorded != "" {
			b.Status.Manifests = &v1alpha1.ManifestsStatus{BackupSnapshot: &v1alpha1.BackupSnapshotStatus{VolumeSnapshotName: recorded}}
		}
		return b
	}
	own := &drivers.Storage{ClaimName: "backup-data", MountPath: "/backupdata", Path: "demo/" + baseName}
	tests := []struct {
		name         string
		backup       func() *v1alpha1.Backup
		policyGone   bool
		wantNil      bool
		wantDriver   string
		wantStorage  *drivers.Storage
		wantSnapshot *drivers.SnapshotSpec
	}{
		{
			name:        "a datafile backup: its directory in its policy's claim, by the driver that made it",
			backup:      func() *v1alpha1.Backup { return completed(baseName, "") },
			wantDriver:  "local",
			wantStorage: own,
		},
		{
			name: "a failed backup that started: its partial directory",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Status.Phase = v1alpha1.BackupFailed
				return b
			},
			wantDriver:  "local",
			wantStorage: own,
		},
		{
			name: "a backup that never started: nothing to delete",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Status.StartTimestamp = nil
				return b
			},
			wantNil: true,
		},
		{
			name: "a backup with no recorded driver: nothing to delete",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Annotations = nil
				return b
			},
			wantNil: true,
		},
		{
			name: "a backup whose status names another location: its own directory all the same",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Status.PersistentVolumeClaimName = "other-claim"
				b.Status.Manifests.BackupTool.FilePath = "/backupdata/victim/" + baseName
				return b
			},
			wantDriver:  "local",
			wantStorage: own,
		},
		{
			name:        "a backup whose policy is gone: the location the engine recorded",
			backup:      func() *v1alpha1.Backup { return completed(baseName, "") },
			policyGone:  true,
			wantDriver:  "local",
			wantStorage: own,
		},
		{
			name: "a backup whose policy is gone and that recorded no directory: nothing to delete",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Status.Manifests.BackupTool.FilePath = ""
				return b
			},
			policyGone: true,
			wantNil:    true,
		},
		{
			name: "a backup whose policy is gone and that recorded no claim: nothing to delete",
			backup: func() *v1alpha1.Backup {
				b := completed(baseName, "")
				b.Status.PersistentVolumeClaimName = ""
				return b
			},
			policyGone: true,
			wantNil:    true,
		},
		{
			name:         "a snapshot backup: the VolumeSnapshot its driver reported",
			backup:       func() *v1alpha1.Backup { return snapshot("snap-1-data") },
			wantDriver:   drivers.NameSnapshot,
			wantSnapshot: &drivers.SnapshotSpec{Name: "snap-1-data"},
		},
		{
			name:         "a snapshot backup that recorded none: the VolumeSnapshot named after it",
			backup:       func() *v1alpha1.Backup { return snapshot("") },
			wantDriver:   drivers.NameSnapshot,
			wantSnapshot: &drivers.SnapshotSpec{Name: "snap-1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.backup()
			in := policy.DeletionInputs{Backup: b, Policy: load(t).policy, Attempt: 2, Deadline: deadline}
			if tt.policyGone {
				in.Policy = nil
			}

			got, err := policy.ResolveDeletion(in)

			require.NoError(t, err)
			if tt.wantNil {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tt.wantDriver, got.Driver)
			task := got.Task
			assert.Equal(t, policy.TaskID(b.Name, b.UID, 2, "delete"), task.ID)
			assert.Equal(t, drivers.KindDeleteArtifacts, task.Kind)
			assert.Equal(t, b.Spec.BackupType, task.BackupType)
			assert.Equal(t, drivers.ObjectRef{Kind: "Backup", Namespace: ns, Name: b.Name, UID: b.UID}, task.Owner)
			assert.Equal(t, deadline, task.Deadline)
			assert.Equal(t, tt.wantStorage, task.Storage, "never creates a claim")
			assert.Equal(t, tt.wantSnapshot, task.Snapshot)
			if tt.wantStorage != nil {
				assert.Equal(t, []corev1.EnvVar{{Name: "BACKUP_NAME", Value: b.Name},
					{Name: "BACKUP_DIR", Value: "/backupdata/" + tt.wantStorage.Path}}, task.Env)
			}
		})
	}
}

func TestResolveDeletionRefusesRecordedDirectoriesThatAreNotTheBackups(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{name: "the claim's root", dir: "/backupdata", want: `backup directory "/backupdata" is not under /backupdata`},
		{name: "outside the mount, as upstream recorded it", dir: "/backup/" + baseName, want: "is not under /backupdata"},
		{name: "escaping the mount", dir: "/backupdata/../etc/" + baseName, want: "is not under /backupdata"},
		{name: "the namespace's directory, holding other backups", dir: "/backupdata/demo",
			want: `backup directory "/backupdata/demo" is not a directory of backup demo/pg-policy-datafile-20261124013000`},
		{name: "another backup's directory", dir: "/backupdata/demo/" + incrName, want: "is not a directory of backup"},
		{name: "the same name in another namespace", dir: "/backupdata/victim/" + baseName, want: "is not a directory of backup"},
		{name: "a directory without the namespace, as a prefix once made", dir: "/backupdata/prefix/" + baseName, want: "is not a directory of backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := completed(baseName, "")
			b.Status.Manifests.BackupTool.FilePath = tt.dir

			got, err := policy.ResolveDeletion(policy.DeletionInputs{Backup: b, Deadline: deadline})

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Nil(t, got)
		})
	}
}
