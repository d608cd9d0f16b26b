package retention_test

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A policy's ttl sets when its Backups expire, counted from their start.
func ExampleExpiration() {
	ttl := "7d"
	policy := &v1alpha1.BackupPolicy{Spec: v1alpha1.BackupPolicySpec{
		Retention: &v1alpha1.RetentionSpec{TTL: &ttl},
	}}
	d, ok, err := retention.TTL(policy)
	if err != nil || !ok {
		fmt.Println("keep forever:", err)
		return
	}
	start := metav1.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	backup := &v1alpha1.Backup{Status: v1alpha1.BackupStatus{StartTimestamp: &start}}
	fmt.Println(retention.Expiration(backup, d).UTC())
	// Output: 2024-05-08 12:00:00 +0000 UTC
}

// A ttl that upstream accepted but that is not a positive duration, such
// as "0d" or "7|", keeps the policy's Backups (upstream expired them at
// once); any other bad ttl is an error.
func ExampleTTL() {
	for _, ttl := range []string{"0d", "7|", "7x"} {
		_, ok, err := retention.TTL(&v1alpha1.BackupPolicy{Spec: v1alpha1.BackupPolicySpec{
			Retention: &v1alpha1.RetentionSpec{TTL: &ttl},
		}})
		fmt.Println(ttl, ok, err)
	}
	// Output:
	// 0d false <nil>
	// 7| false <nil>
	// 7x false spec.retention.ttl: invalid ttl "7x": want a number followed by d, D, h or H, such as "7d"
}

// Plan keeps the newest backupsHistoryLimit automatic Backups of a policy,
// deletes expired ones, and keeps every parent a retained incremental child
// needs.
func ExamplePlan() {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	limit := int32(1)
	policy := v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: "nightly"}}
	policy.Spec.Datafile = &v1alpha1.CommonBackupPolicy{}
	policy.Spec.Datafile.BackupsHistoryLimit = &limit

	scheduled := func(name string, age time.Duration, parent string) v1alpha1.Backup {
		start := metav1.NewTime(now.Add(-age))
		return v1alpha1.Backup{
			ObjectMeta: metav1.ObjectMeta{Namespace: "db", Name: name, Labels: map[string]string{
				v1alpha1.LabelAutoBackup: "true", v1alpha1.LabelBackupPolicy: "nightly",
			}},
			Spec:   v1alpha1.BackupSpec{BackupPolicyName: "nightly", BackupType: v1alpha1.BackupTypeDataFile, ParentBackupName: parent},
			Status: v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, StartTimestamp: &start},
		}
	}
	old := scheduled("full-1", 72*time.Hour, "")
	expired := metav1.NewTime(now.Add(-time.Hour))
	old.Status.Expiration = &expired
	backups := []v1alpha1.Backup{
		scheduled("full-0", 96*time.Hour, ""),
		old,
		scheduled("full-2", 48*time.Hour, ""),
		scheduled("inc-2a", 24*time.Hour, "full-2"), // the newest: kept, and keeps full-2
	}
	for _, d := range retention.Plan(backups, []v1alpha1.BackupPolicy{policy}, now) {
		fmt.Printf("%s/%s %s: %s\n", d.Namespace, d.Name, d.Reason, d.Message)
	}
	// Output:
	// db/full-0 HistoryLimit: BackupPolicy "nightly" keeps the 1 newest Completed automatic datafile backups (backupsHistoryLimit)
	// db/full-1 Expired: expired at 2024-05-01T11:00:00Z
}
