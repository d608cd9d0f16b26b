package policy

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// BackupClaimDefaults is the host's default backup claim, for the datafile
// and logfile policies whose persistentVolumeClaim.name is empty: what the
// KubeBlocks v0.5 cluster controller writes by default, and what upstream
// filled from its global settings BACKUP_PVC_NAME, BACKUP_PVC_INIT_CAPACITY,
// BACKUP_PVC_STORAGE_CLASS, BACKUP_PVC_CREATE_POLICY and
// BACKUP_PV_CONFIGMAP_NAME / BACKUP_PV_CONFIGMAP_NAMESPACE. Like upstream's
// settings, each is optional; the zero value is no default claim.
type BackupClaimDefaults struct {
	// Name is the claim, in the Backup's namespace, of a policy that names
	// none (BACKUP_PVC_NAME). Empty: such a policy stays Available (its
	// snapshots run) but its datafile and logfile backups fail with the
	// reason BackupPVCNameIsEmpty, as upstream's did.
	Name string
	// InitCapacity is the size of the default claim when the engine creates
	// it (BACKUP_PVC_INIT_CAPACITY); nil: the policy's initCapacity.
	InitCapacity *resource.Quantity
	// StorageClassName is the class of the default claim
	// (BACKUP_PVC_STORAGE_CLASS); empty: the policy's. It wins over
	// PersistentVolumeConfigMap, as upstream's did.
	StorageClassName string
	// CreatePolicy says whether the engine creates the default claim
	// (BACKUP_PVC_CREATE_POLICY: IfNotPresent or Never); empty: the
	// policy's.
	CreatePolicy v1alpha1.CreatePVCPolicy
	// PersistentVolumeConfigMap is the PersistentVolume template of the
	// default claim (BACKUP_PV_CONFIGMAP_NAME and _NAMESPACE); nil: the
	// policy's.
	PersistentVolumeConfigMap *v1alpha1.PersistentVolumeConfigMap
}

// Validate returns an error naming every field of d that is not valid.
func (d BackupClaimDefaults) Validate() error {
	var errs []error
	if d.Name != "" {
		for _, msg := range validation.IsDNS1123Subdomain(d.Name) {
			errs = append(errs, fmt.Errorf("name %q: %s", d.Name, msg))
		}
	}
	if q := d.InitCapacity; q != nil && q.Sign() <= 0 {
		errs = append(errs, fmt.Errorf("initCapacity %s: must be positive", q))
	}
	switch d.CreatePolicy {
	case "", v1alpha1.CreatePVCPolicyIfNotPresent, v1alpha1.CreatePVCPolicyNever:
	default:
		errs = append(errs, fmt.Errorf("createPolicy %q: must be IfNotPresent or Never", d.CreatePolicy))
	}
	if cm := d.PersistentVolumeConfigMap; cm != nil && (cm.Name == "" || cm.Namespace == "") {
		errs = append(errs, errors.New("persistentVolumeConfigMap: needs a name and a namespace"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("backup claim defaults: %w", err)
	}
	return nil
}

// claimOf returns the backup claim of a datafile or logfile policy: its
// own, or, when it names none, the default claim d (d's settings winning
// over the policy's). With neither it returns a *ReasonError with the
// reason BackupPVCNameIsEmpty.
func claimOf(p *v1alpha1.BackupPolicy, t v1alpha1.BackupType, d BackupClaimDefaults) (*v1alpha1.PersistentVolumeClaim, error) {
	c := p.CommonPolicyFor(t)
	if c == nil {
		return nil, fmt.Errorf("BackupPolicy %q has no %s policy", p.Name, t)
	}
	pvc := c.PersistentVolumeClaim.DeepCopy()
	if pvc.Name != "" {
		return pvc, nil
	}
	if d.Name == "" {
		return nil, reasonErrorf(ReasonBackupPVCNameIsEmpty, "the persistentVolumeClaim name of the %s policy of "+
			"BackupPolicy %q is empty and the engine has no default backup claim (Config.BackupPVC): %s backups cannot run",
			t, p.Name, t)
	}
	pvc.Name = d.Name
	if d.InitCapacity != nil {
		q := d.InitCapacity.DeepCopy()
		pvc.InitCapacity = &q
	}
	if d.CreatePolicy != "" {
		pvc.CreatePolicy = d.CreatePolicy
	}
	switch {
	case d.StorageClassName != "":
		class := d.StorageClassName
		pvc.StorageClassName, pvc.PersistentVolumeConfigMap = &class, nil
	case d.PersistentVolumeConfigMap != nil:
		pvc.StorageClassName, pvc.PersistentVolumeConfigMap = nil, d.PersistentVolumeConfigMap.DeepCopy()
	}
	return pvc, nil
}
