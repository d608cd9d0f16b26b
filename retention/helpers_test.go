package retention_test

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/retention"
	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// now is the fixed clock of every test.
var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// ago returns the time d before now.
func ago(d time.Duration) *metav1.Time {
	t := metav1.NewTime(now.Add(-d))
	return &t
}

// opt changes a Backup made by backup.
type opt func(*v1alpha1.Backup)

// backup returns a Completed datafile Backup in namespace "ns", created and
// started an hour ago, changed by opts.
func backup(name string, opts ...opt) v1alpha1.Backup {
	b := v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, CreationTimestamp: *ago(time.Hour)},
		Spec:       v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeDataFile},
		Status:     v1alpha1.BackupStatus{Phase: v1alpha1.BackupCompleted, StartTimestamp: ago(time.Hour)},
	}
	for _, o := range opts {
		o(&b)
	}
	return b
}

func label(key, value string) opt {
	return func(b *v1alpha1.Backup) {
		if b.Labels == nil {
			b.Labels = map[string]string{}
		}
		b.Labels[key] = value
	}
}

// auto labels the Backup as scheduled by policy.
func auto(policy string) opt {
	return func(b *v1alpha1.Backup) {
		label(v1alpha1.LabelAutoBackup, "true")(b)
		label(v1alpha1.LabelBackupPolicy, policy)(b)
		b.Spec.BackupPolicyName = policy
	}
}

func phase(p v1alpha1.BackupPhase) opt { return func(b *v1alpha1.Backup) { b.Status.Phase = p } }
func failed() opt                      { return phase(v1alpha1.BackupFailed) }
func started(d time.Duration) opt {
	return func(b *v1alpha1.Backup) { b.Status.StartTimestamp = ago(d) }
}
func expires(d time.Duration) opt { return func(b *v1alpha1.Backup) { b.Status.Expiration = ago(-d) } }
func expired() opt                { return expires(-time.Minute) }
func parent(name string) opt      { return func(b *v1alpha1.Backup) { b.Spec.ParentBackupName = name } }
func statusParentOf(name string) opt {
	return func(b *v1alpha1.Backup) { b.Status.ParentBackupName = name }
}
func namespace(ns string) opt { return func(b *v1alpha1.Backup) { b.Namespace = ns } }
func deleting() opt           { return func(b *v1alpha1.Backup) { b.DeletionTimestamp = ago(time.Second) } }
func protected(v string) opt  { return label(v1alpha1.LabelBackupProtection, v) }

func backupType(t v1alpha1.BackupType) opt {
	return func(b *v1alpha1.Backup) { b.Spec.BackupType = t }
}

// unstarted leaves only the creation time, d ago.
func unstarted(d time.Duration) opt {
	return func(b *v1alpha1.Backup) {
		b.Status.StartTimestamp = nil
		b.CreationTimestamp = *ago(d)
	}
}

// policy returns a BackupPolicy "name" in namespace "ns" with a datafile
// section whose backupsHistoryLimit is limit (nil: not set).
func policy(name string, limit *int32) v1alpha1.BackupPolicy {
	p := v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}}
	p.Spec.Datafile = &v1alpha1.CommonBackupPolicy{}
	p.Spec.Datafile.BackupsHistoryLimit = limit
	return p
}

func limit(n int32) *int32 { return &n }

// names summarises deletions as "namespace/name:Reason".
func names(ds []retention.Deletion) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Namespace+"/"+d.Name+":"+string(d.Reason))
	}
	return out
}
