package bench

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// targetLabels select the one database instance of every benchmark.
var targetLabels = map[string]string{"app": "bench-db"}

// benchTarget is the database instance of the benchmarks, in namespace ns
// ("" for every namespace), with a data volume (snapshot backups need one).
func benchTarget(ns string) drivers.Target {
	return drivers.Target{Name: "bench-db-0", Namespace: ns, Host: "127.0.0.1", Labels: targetLabels,
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-bench-db-0"}}}}}
}

// newTool returns a BackupTool whose backup runs commands.
func newTool(name string, commands ...string) *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.BackupToolSpec{
		Image:          "busybox:1.37",
		BackupCommands: commands,
		Physical:       v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"true"}},
	}}
}

// commonPolicy is a datafile or logfile section that uses tool and the
// claim "backup-data".
func commonPolicy(tool string) *v1alpha1.CommonBackupPolicy {
	return &v1alpha1.CommonBackupPolicy{
		BasePolicy:            v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: targetLabels}}},
		PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"},
		BackupToolName:        tool,
	}
}

// newPolicy returns a BackupPolicy with a datafile section only and no
// schedule.
func newPolicy(ns, name, tool string) *v1alpha1.BackupPolicy {
	return &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.BackupPolicySpec{Datafile: commonPolicy(tool)}}
}

// scheduledPolicy returns the i-th policy of the scheduler benchmark: the
// three backup types, each scheduled once an hour at its own minute, so that
// the 3 × n schedules of n policies are spread evenly over the hour.
func scheduledPolicy(ns string, i int, tool string) *v1alpha1.BackupPolicy {
	p := newPolicy(ns, fmt.Sprintf("policy-%05d", i), tool)
	p.Spec.Logfile = commonPolicy(tool)
	p.Spec.Snapshot = &v1alpha1.SnapshotPolicy{BasePolicy: p.Spec.Datafile.BasePolicy}
	cron := func(k int) *v1alpha1.SchedulePolicy {
		return &v1alpha1.SchedulePolicy{CronExpression: fmt.Sprintf("%d * * * *", scheduleMinute(i, k)), Enable: true}
	}
	p.Spec.Schedule = &v1alpha1.Schedule{Datafile: cron(0), Logfile: cron(1), Snapshot: cron(2)}
	return p
}

// scheduleMinute is the minute of the hour of the k-th schedule (0, 1, 2)
// of the i-th policy.
func scheduleMinute(i, k int) int { return (i + 20*k) % 60 }

// newBackup returns a manual datafile Backup of policy.
func newBackup(ns, name, policy string) *v1alpha1.Backup {
	return &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: policy, BackupType: v1alpha1.BackupTypeDataFile}}
}
