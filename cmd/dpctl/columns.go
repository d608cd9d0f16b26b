package main

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// column is one column of a table: the CRDs' printer columns (see the
// +kubebuilder:printcolumn markers in types/v1alpha1), so that dpctl get
// shows what kubectl get shows.
type column struct {
	header string
	wide   bool // only with -o wide (the CRD's priority=1)
	value  func(obj store.Object, now time.Time) string
}

// col makes a column of one kind from a function of its type.
func col[T store.Object](header string, wide bool, f func(T, time.Time) string) column {
	return column{header: header, wide: wide, value: func(obj store.Object, now time.Time) string {
		return f(obj.(T), now)
	}}
}

// columnsOf returns the columns of kind k after NAME.
func columnsOf(k *kind) []column {
	switch k {
	case backupKind:
		return backupColumns
	case policyKind:
		return policyColumns
	case toolKind:
		return toolColumns
	}
	return restoreColumns
}

var backupColumns = []column{
	col("POLICY", false, func(b *v1alpha1.Backup, _ time.Time) string { return b.Spec.BackupPolicyName }),
	col("TYPE", false, func(b *v1alpha1.Backup, _ time.Time) string { return string(b.Spec.BackupType) }),
	col("STATUS", false, func(b *v1alpha1.Backup, _ time.Time) string { return string(b.Status.Phase) }),
	col("TOTAL-SIZE", false, func(b *v1alpha1.Backup, _ time.Time) string { return b.Status.TotalSize }),
	col("DURATION", false, func(b *v1alpha1.Backup, _ time.Time) string { return durationString(b.Status.Duration) }),
	col("CREATION-TIME", false, func(b *v1alpha1.Backup, _ time.Time) string { return timestamp(&b.CreationTimestamp) }),
	col("COMPLETION-TIME", false, func(b *v1alpha1.Backup, _ time.Time) string { return timestamp(b.Status.CompletionTimestamp) }),
	col("EXPIRATION", true, func(b *v1alpha1.Backup, _ time.Time) string { return timestamp(b.Status.Expiration) }),
}

var policyColumns = []column{
	col("STATUS", false, func(p *v1alpha1.BackupPolicy, _ time.Time) string { return string(p.Status.Phase) }),
	col("LAST-SCHEDULE", false, func(p *v1alpha1.BackupPolicy, _ time.Time) string { return timestamp(p.Status.LastScheduleTime) }),
	col("LAST-SUCCESS", false, func(p *v1alpha1.BackupPolicy, _ time.Time) string { return timestamp(p.Status.LastSuccessfulTime) }),
	col("AGE", false, func(p *v1alpha1.BackupPolicy, now time.Time) string { return age(p.CreationTimestamp, now) }),
}

var toolColumns = []column{
	col("DEPLOY-KIND", false, func(t *v1alpha1.BackupTool, _ time.Time) string { return string(t.Spec.DeployKind) }),
	col("TYPE", false, func(t *v1alpha1.BackupTool, _ time.Time) string { return string(t.Spec.Type) }),
	col("IMAGE", true, func(t *v1alpha1.BackupTool, _ time.Time) string { return t.Spec.Image }),
	col("AGE", false, func(t *v1alpha1.BackupTool, now time.Time) string { return age(t.CreationTimestamp, now) }),
}

var restoreColumns = []column{
	col("BACKUP", false, func(r *v1alpha1.RestoreJob, _ time.Time) string { return r.Spec.BackupJobName }),
	col("STATUS", false, func(r *v1alpha1.RestoreJob, _ time.Time) string { return string(r.Status.Phase) }),
	col("COMPLETION-TIME", false, func(r *v1alpha1.RestoreJob, _ time.Time) string { return timestamp(r.Status.CompletionTimestamp) }),
	col("AGE", false, func(r *v1alpha1.RestoreJob, now time.Time) string { return age(r.CreationTimestamp, now) }),
}

// timestamp prints a time as its JSON does (RFC 3339, UTC); "" when unset.
func timestamp(t *metav1.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// durationString prints a duration as its JSON does; "" when unset.
func durationString(d *metav1.Duration) string {
	if d == nil {
		return ""
	}
	return d.Duration.String()
}

// age prints the time since t as kubectl does ("5m", "3d").
func age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}
