package bench

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// retentionNow is the clock of the retention figure.
var retentionNow = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// RetentionResult is one measurement of retention.Plan.
type RetentionResult struct {
	Backups, Policies int
	// NsPerOp, AllocsPerOp and BytesPerOp are per Plan call.
	NsPerOp     float64
	AllocsPerOp int64
	BytesPerOp  int64
	// Deletions is the length of the plan.
	Deletions int
}

// Retention measures retention.Plan over data (see RetentionData) with
// testing.Benchmark: at least a second of calls.
func Retention(backups []v1alpha1.Backup, policies []v1alpha1.BackupPolicy) RetentionResult {
	var n int
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n = len(retention.Plan(backups, policies, retentionNow))
		}
	})
	return RetentionResult{Backups: len(backups), Policies: len(policies), NsPerOp: float64(r.NsPerOp()),
		AllocsPerOp: r.AllocsPerOp(), BytesPerOp: r.AllocedBytesPerOp(), Deletions: n}
}

// RetentionData returns n Backups spread evenly over the given number of
// policies, 100 policies a namespace, sorted by namespace and name as a
// store lists them. Each policy has hourly automatic backups (history limit
// 7 per type): datafile ones in incremental chains of five (a full backup,
// then four children, each naming its parent), every tenth a snapshot,
// every seventh failed, some expired, protected or manual, and the newest
// still running.
func RetentionData(n, policies int) ([]v1alpha1.Backup, []v1alpha1.BackupPolicy) {
	ps := make([]v1alpha1.BackupPolicy, policies)
	backups := make([]v1alpha1.Backup, 0, n)
	for i := range ps {
		p := scheduledPolicy(fmt.Sprintf("ns-%03d", i/100), i, "tool")
		ps[i] = *p
		backups = append(backups, historyOf(p, i, n/policies)...)
	}
	return backups, ps
}

// historyOf returns n hourly Backups of p, the i-th policy, the newest
// started an hour ago.
func historyOf(p *v1alpha1.BackupPolicy, i, n int) []v1alpha1.Backup {
	out := make([]v1alpha1.Backup, n)
	last := "" // the newest Completed datafile backup
	for j := range out {
		start := metav1.NewTime(retentionNow.Add(-time.Duration(n-j) * time.Hour))
		b := v1alpha1.Backup{
			ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: fmt.Sprintf("%s-%05d", p.Name, j), CreationTimestamp: start,
				Labels: map[string]string{v1alpha1.LabelAutoBackup: "true", v1alpha1.LabelBackupPolicy: p.Name}},
			Spec:   v1alpha1.BackupSpec{BackupPolicyName: p.Name, BackupType: v1alpha1.BackupTypeDataFile},
			Status: v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, StartTimestamp: &start},
		}
		switch {
		case j == n-1:
			b.Status.Phase = v1alpha1.BackupInProgress
		case j%7 == 3:
			b.Status.Phase = v1alpha1.BackupFailed
		}
		if j%10 == 9 {
			b.Spec.BackupType = v1alpha1.BackupTypeSnapshot
		} else if j%5 != 0 && last != "" {
			b.Spec.ParentBackupName = last
		}
		decorate(&b, i*n+j)
		if b.Spec.BackupType == v1alpha1.BackupTypeDataFile && b.Status.Phase == v1alpha1.BackupCompleted {
			last = b.Name
		}
		out[j] = b
	}
	return out
}

// decorate makes some backups expired, protected or manual, by their
// index j among all.
func decorate(b *v1alpha1.Backup, j int) {
	if j%13 == 0 {
		exp := metav1.NewTime(b.Status.StartTimestamp.Add(time.Hour))
		b.Status.Expiration = &exp
	}
	if j%17 == 0 {
		b.Labels[v1alpha1.LabelBackupProtection] = v1alpha1.BackupProtectionRetain
	}
	if j%20 == 19 {
		delete(b.Labels, v1alpha1.LabelAutoBackup)
	}
}
