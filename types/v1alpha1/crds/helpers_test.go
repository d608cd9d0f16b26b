package crds_test

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func minimalPolicyObject(name, tool string) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{
				LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}},
				Secret:         &v1alpha1.BackupPolicySecret{Name: "pg-secret"},
			}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"},
			BackupToolName:        tool,
		}},
	}
}
