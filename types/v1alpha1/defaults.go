package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

// The defaults of the API, the same as the CRD schema's.
const (
	// DefaultBackupType is spec.backupType when not set.
	DefaultBackupType = BackupTypeDataFile
	// DefaultBackupsHistoryLimit is backupsHistoryLimit when not set.
	DefaultBackupsHistoryLimit int32 = 7
	// DefaultCreatePVCPolicy is persistentVolumeClaim.createPolicy when not set.
	DefaultCreatePVCPolicy = CreatePVCPolicyIfNotPresent
	// DefaultInitCapacity is persistentVolumeClaim.initCapacity when not set.
	DefaultInitCapacity = "100Gi"
	// DefaultUsernameKey is secret.usernameKey when not set.
	DefaultUsernameKey = "username"
	// DefaultPasswordKey is secret.passwordKey when not set.
	DefaultPasswordKey = "password"
	// DefaultDeployKind is a BackupTool's deployKind when not set.
	DefaultDeployKind = DeployKindJob
	// DefaultToolType is a BackupTool's type when not set.
	DefaultToolType = ToolTypeFile
)

func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&Backup{}, func(o any) { SetDefaultsBackup(o.(*Backup)) })
	scheme.AddTypeDefaultingFunc(&BackupPolicy{}, func(o any) { SetDefaultsBackupPolicy(o.(*BackupPolicy)) })
	scheme.AddTypeDefaultingFunc(&BackupTool{}, func(o any) { SetDefaultsBackupTool(o.(*BackupTool)) })
	scheme.AddTypeDefaultingFunc(&RestoreJob{}, func(o any) { SetDefaultsRestoreJob(o.(*RestoreJob)) })
	return nil
}

// SetDefaults applies the API defaults to obj if it is one of this package's
// kinds, and does nothing otherwise.
func SetDefaults(obj runtime.Object) {
	switch o := obj.(type) {
	case *Backup:
		SetDefaultsBackup(o)
	case *BackupPolicy:
		SetDefaultsBackupPolicy(o)
	case *BackupTool:
		SetDefaultsBackupTool(o)
	case *RestoreJob:
		SetDefaultsRestoreJob(o)
	}
}

// SetDefaultsBackup sets spec.backupType to datafile when empty.
func SetDefaultsBackup(b *Backup) {
	if b.Spec.BackupType == "" {
		b.Spec.BackupType = DefaultBackupType
	}
}

// SetDefaultsBackupPolicy defaults every backup type's policy:
// backupsHistoryLimit 7, createPolicy IfNotPresent, initCapacity 100Gi and
// the secret keys username and password.
func SetDefaultsBackupPolicy(p *BackupPolicy) {
	if s := p.Spec.Snapshot; s != nil {
		setDefaultsBasePolicy(&s.BasePolicy)
	}
	for _, c := range []*CommonBackupPolicy{p.Spec.Datafile, p.Spec.Logfile} {
		if c == nil {
			continue
		}
		setDefaultsBasePolicy(&c.BasePolicy)
		setDefaultsPVC(&c.PersistentVolumeClaim)
	}
}

func setDefaultsBasePolicy(b *BasePolicy) {
	if b.BackupsHistoryLimit == nil {
		limit := DefaultBackupsHistoryLimit
		b.BackupsHistoryLimit = &limit
	}
	setDefaultsTarget(&b.Target)
}

func setDefaultsPVC(c *PersistentVolumeClaim) {
	if c.CreatePolicy == "" {
		c.CreatePolicy = DefaultCreatePVCPolicy
	}
	if c.InitCapacity == nil {
		q := resource.MustParse(DefaultInitCapacity)
		c.InitCapacity = &q
	}
}

func setDefaultsTarget(t *TargetCluster) {
	if t.Secret == nil {
		return
	}
	if t.Secret.UsernameKey == "" {
		t.Secret.UsernameKey = DefaultUsernameKey
	}
	if t.Secret.PasswordKey == "" {
		t.Secret.PasswordKey = DefaultPasswordKey
	}
}

// SetDefaultsBackupTool sets deployKind to job and type to file when empty.
func SetDefaultsBackupTool(t *BackupTool) {
	if t.Spec.DeployKind == "" {
		t.Spec.DeployKind = DefaultDeployKind
	}
	if t.Spec.Type == "" {
		t.Spec.Type = DefaultToolType
	}
}

// SetDefaultsRestoreJob defaults the target's secret keys.
func SetDefaultsRestoreJob(r *RestoreJob) {
	setDefaultsTarget(&r.Spec.Target)
}
