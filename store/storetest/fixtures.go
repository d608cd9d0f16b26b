package storetest

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// LabelID is the label every object of the suite carries, with the
// subtest's id, so that lists and watches across namespaces can tell the
// subtest's objects from others in a shared cluster.
const LabelID = "storetest.dataprotection.kubeblocks.io/id"

// meta returns the metadata of a fixture, labelled with the subtest's id.
func (e *env) meta(namespace, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{LabelID: e.id}}
}

// mine selects the subtest's objects.
func (e *env) mine() labels.Selector { return labels.SelectorFromSet(labels.Set{LabelID: e.id}) }

// toolName is a cluster-unique BackupTool name.
func (e *env) toolName(name string) string { return name + "-" + e.id }

// backup is a minimal valid Backup, without the defaulted backupType.
func (e *env) backup(namespace, name string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: e.meta(namespace, name),
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "policy"}}
}

// policy is a minimal valid BackupPolicy, without its defaults.
func (e *env) policy(namespace, name string) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{ObjectMeta: e.meta(namespace, name),
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy:            v1alpha1.BasePolicy{Target: target()},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"},
			BackupToolName:        "tool",
		}}}
}

// tool is a minimal valid BackupTool, without its defaults, named uniquely.
func (e *env) tool(name string) *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: e.meta("", e.toolName(name)),
		Spec: v1alpha1.BackupToolSpec{Image: "busybox", BackupCommands: []string{"true"}}}
}

// restoreJob is a minimal valid RestoreJob, without its defaults.
func (e *env) restoreJob(namespace, name string) *v1alpha1.RestoreJob {
	return &v1alpha1.RestoreJob{ObjectMeta: e.meta(namespace, name),
		Spec: v1alpha1.RestoreJobSpec{
			BackupJobName: "backup",
			Target:        target(),
			TargetVolumes: []corev1.Volume{{Name: "data",
				VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			TargetVolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
		}}
}

// target selects pods labelled app=db, with a secret whose keys default.
func target() v1alpha1.TargetCluster {
	return v1alpha1.TargetCluster{
		LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
		Secret:         &v1alpha1.BackupPolicySecret{Name: "db-secret"},
	}
}
