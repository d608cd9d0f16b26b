package policy

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// DefaultMountPath is where the backup claim is mounted in a task's container.
const DefaultMountPath = "/backupdata"

// BackupPath is the directory of a backup relative to the claim's root,
// upstream's layout: "<namespace>/<prefix>/<backup name>", where the prefix
// is the policy's path-prefix annotation (cleaned, relative; none when it is
// empty or "/"). The namespace always comes first, so the backups of two
// namespaces never share a directory, whatever their policies' prefixes.
// It never leaves the namespace's directory: a prefix with ".." is an error.
func BackupPath(p *v1alpha1.BackupPolicy, backupNamespace, backupName string) (string, error) {
	a := p.Annotations[v1alpha1.AnnotationPathPrefix]
	if strings.Contains(a, "..") {
		return "", fmt.Errorf("annotation %s=%q: must be a path without \"..\"", v1alpha1.AnnotationPathPrefix, a)
	}
	prefix := strings.TrimPrefix(path.Clean("/"+a), "/")
	return path.Join(backupNamespace, prefix, backupName), nil
}

// storageFor returns the storage of a datafile or logfile backup in the
// claim pvc (see claimOf).
func storageFor(pvc *v1alpha1.PersistentVolumeClaim, namespace, relPath string) *drivers.Storage {
	s := &drivers.Storage{ClaimName: pvc.Name, MountPath: DefaultMountPath, Path: relPath}
	if pvc.CreatePolicy == v1alpha1.CreatePVCPolicyNever {
		return s
	}
	capacity := resource.MustParse(v1alpha1.DefaultInitCapacity)
	if pvc.InitCapacity != nil {
		capacity = pvc.InitCapacity.DeepCopy()
	}
	s.Create = &drivers.ClaimTemplate{Capacity: capacity, StorageClassName: pvc.StorageClassName,
		GenerateName: pvc.Name + "-" + namespace}
	if cm := pvc.PersistentVolumeConfigMap; cm != nil && pvc.StorageClassName == nil {
		s.Create.PersistentVolumeTemplate = &drivers.ConfigMapRef{Namespace: cm.Namespace, Name: cm.Name}
	}
	return s
}

func backupDir(s *drivers.Storage) string { return path.Join(s.MountPath, s.Path) }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
