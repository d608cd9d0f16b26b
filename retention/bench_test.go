package retention_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// BenchmarkPlan plans over Backups in incremental chains, listed in the
// order of a store (by namespace and name) and shuffled.
func BenchmarkPlan(b *testing.B) {
	for _, size := range []struct{ backups, policies int }{{10_000, 100}, {100_000, 1_000}} {
		listed, policies := benchData(size.backups, size.policies)
		shuffled := shuffle(listed, rand.New(rand.NewPCG(42, 7)))
		for _, order := range []struct {
			name    string
			backups []v1alpha1.Backup
		}{{"listed", listed}, {"shuffled", shuffled}} {
			name := fmt.Sprintf("backups=%d/policies=%d/order=%s", size.backups, size.policies, order.name)
			b.Run(name, func(b *testing.B) { benchmarkPlan(b, order.backups, policies) })
		}
	}
}

func benchmarkPlan(b *testing.B, backups []v1alpha1.Backup, policies []v1alpha1.BackupPolicy) {
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(retention.Plan(backups, policies, now))
	}
	b.ReportMetric(float64(n), "deletions")
}

// benchData returns n Backups spread evenly over the given number of
// policies, 100 policies a namespace, sorted by namespace and name. Each
// policy has hourly automatic backups: datafile ones in incremental chains
// of five (a full backup, then four children), every tenth a snapshot, some
// failed, expired, protected or manual, and the newest still running.
func benchData(n, policies int) ([]v1alpha1.Backup, []v1alpha1.BackupPolicy) {
	ps := make([]v1alpha1.BackupPolicy, policies)
	backups := make([]v1alpha1.Backup, 0, n)
	perPolicy := n / policies
	for i := range ps {
		ps[i] = allTypes(fmt.Sprintf("policy-%04d", i), 7, 5, 3)
		ps[i].Namespace = fmt.Sprintf("ns-%02d", i/100)
		if i%10 == 0 {
			ps[i].Spec.Datafile.BackupsHistoryLimit = nil
		}
		backups = append(backups, policyBackups(&ps[i], perPolicy)...)
	}
	return backups, ps
}

// policyBackups returns n hourly Backups of policy p, the newest now.
func policyBackups(p *v1alpha1.BackupPolicy, n int) []v1alpha1.Backup {
	out := make([]v1alpha1.Backup, n)
	var last string // the newest Completed datafile backup
	for j := range out {
		b := backup(fmt.Sprintf("%s-%05d", p.Name, j), auto(p.Name), namespace(p.Namespace),
			started(time.Duration(n-j)*time.Hour))
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
		decorate(&b, j)
		if b.Spec.BackupType == v1alpha1.BackupTypeDataFile && b.Status.Phase == v1alpha1.BackupCompleted {
			last = b.Name
		}
		out[j] = b
	}
	return out
}

// decorate makes some backups expired, protected or manual.
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

// shuffle returns deep copies of backups in a random order, allocated in
// that order, as a store that lists in random order would decode them.
func shuffle(backups []v1alpha1.Backup, rng *rand.Rand) []v1alpha1.Backup {
	out := make([]v1alpha1.Backup, len(backups))
	for i, j := range rng.Perm(len(backups)) {
		backups[j].DeepCopyInto(&out[i])
	}
	return out
}
