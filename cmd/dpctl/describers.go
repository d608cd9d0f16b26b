package main

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// describeObject writes the spec summary and status of obj.
func describeObject(d *describer, obj store.Object) {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		describeBackup(d, o)
	case *v1alpha1.BackupPolicy:
		describePolicy(d, o)
	case *v1alpha1.BackupTool:
		describeTool(d, o)
	case *v1alpha1.RestoreJob:
		describeRestore(d, o)
	}
}

func describeBackup(d *describer, b *v1alpha1.Backup) {
	d.section(0, "Spec")
	d.line(1, "Policy", b.Spec.BackupPolicyName)
	d.line(1, "Type", b.Spec.BackupType)
	d.opt(1, "Parent", b.Spec.ParentBackupName)
	s := b.Status
	describeRun(d, string(s.Phase), s.FailureReason, s.StartTimestamp, s.CompletionTimestamp)
	d.opt(1, "Duration", durationString(s.Duration))
	d.opt(1, "Total Size", s.TotalSize)
	d.time(1, "Expiration", s.Expiration)
	d.opt(1, "Backup Tool", s.BackupToolName)
	d.opt(1, "Volume Claim", s.PersistentVolumeClaimName)
	d.opt(1, "Parent", s.ParentBackupName)
	if m := s.Manifests; m != nil {
		describeManifests(d, m)
	}
}

func describeManifests(d *describer, m *v1alpha1.ManifestsStatus) {
	d.section(1, "Manifests")
	if t := m.BackupTool; t != nil {
		d.opt(2, "File Path", t.FilePath)
		d.opt(2, "Upload Size", t.UploadTotalSize)
		d.opt(2, "Checksum", t.CheckSum)
		d.opt(2, "Checkpoint", t.CheckPoint)
	}
	if s := m.BackupSnapshot; s != nil {
		d.opt(2, "Volume Snapshot", s.VolumeSnapshotName)
		d.opt(2, "Snapshot Content", s.VolumeSnapshotContentName)
	}
	if l := m.BackupLog; l != nil {
		d.time(2, "Log Start", l.StartTime)
		d.time(2, "Log Stop", l.StopTime)
	}
	d.opt(2, "Target", m.Target)
	if len(m.UserContext) > 0 {
		d.line(2, "User Context", keyValues(m.UserContext))
	}
}

func describePolicy(d *describer, p *v1alpha1.BackupPolicy) {
	d.section(0, "Spec")
	for _, t := range v1alpha1.BackupTypes {
		if base := p.BasePolicyFor(t); base != nil {
			describeTypePolicy(d, p, t, base)
		}
	}
	if r := p.Spec.Retention; r != nil && r.TTL != nil {
		d.line(1, "Retention TTL", *r.TTL)
	}
	s := p.Status
	d.section(0, "Status")
	d.line(1, "Phase", orDefault(string(s.Phase), "<not validated yet>"))
	d.opt(1, "Failure Reason", s.FailureReason)
	d.line(1, "Observed Generation", fmt.Sprintf("%d (generation %d)", s.ObservedGeneration, p.Generation))
	d.time(1, "Last Schedule", s.LastScheduleTime)
	d.time(1, "Last Success", s.LastSuccessfulTime)
}

func describeTypePolicy(d *describer, p *v1alpha1.BackupPolicy, t v1alpha1.BackupType, base *v1alpha1.BasePolicy) {
	d.section(1, strings.ToUpper(string(t[:1]))+string(t[1:]))
	if c := p.CommonPolicyFor(t); c != nil {
		d.line(2, "Backup Tool", c.BackupToolName)
		d.line(2, "Volume Claim", c.PersistentVolumeClaim.Name)
	}
	describeTarget(d, 2, base.Target)
	if base.BackupsHistoryLimit != nil {
		d.line(2, "History Limit", *base.BackupsHistoryLimit)
	}
	if base.OnFailAttempted > 0 {
		d.line(2, "Retries", base.OnFailAttempted)
	}
	if n := len(base.BackupStatusUpdates); n > 0 {
		d.line(2, "Status Updates", n)
	}
	if sp := schedulePolicy(p.Spec.Schedule, t); sp != nil {
		d.line(2, "Schedule", fmt.Sprintf("%s (UTC), %s", sp.CronExpression, enabled(sp.Enable)))
	}
}

func describeTarget(d *describer, level int, t v1alpha1.TargetCluster) {
	d.line(level, "Target Selector", metav1.FormatLabelSelector(t.LabelsSelector))
	if t.Secret != nil {
		d.line(level, "Secret", fmt.Sprintf("%s (keys %s, %s)", t.Secret.Name, t.Secret.UsernameKey, t.Secret.PasswordKey))
	}
}

func schedulePolicy(s *v1alpha1.Schedule, t v1alpha1.BackupType) *v1alpha1.SchedulePolicy {
	if s == nil {
		return nil
	}
	switch t {
	case v1alpha1.BackupTypeDataFile:
		return s.Datafile
	case v1alpha1.BackupTypeLogFile:
		return s.Logfile
	}
	return s.Snapshot
}

func describeTool(d *describer, t *v1alpha1.BackupTool) {
	s := t.Spec
	d.section(0, "Spec")
	d.line(1, "Image", s.Image)
	d.line(1, "Deploy Kind", s.DeployKind)
	d.line(1, "Type", s.Type)
	d.list(1, "Environment", envNames(s.Env))
	d.list(1, "Backup Commands", s.BackupCommands)
	d.list(1, "Incremental Backup Commands", s.IncrementalBackupCommands)
	d.list(1, "Physical Restore Commands", s.Physical.RestoreCommands)
	d.list(1, "Physical Incremental Restore Commands", s.Physical.IncrementalRestoreCommands)
	if l := s.Logical; l != nil {
		d.list(1, "Logical Restore Commands", l.RestoreCommands)
		d.list(1, "Logical Incremental Restore Commands", l.IncrementalRestoreCommands)
	}
}

// envNames lists a tool's variables: values as written (a tool's env is
// not secret: secrets come by reference), references as such.
func envNames(env []corev1.EnvVar) []string {
	out := make([]string, len(env))
	for i, e := range env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			out[i] = fmt.Sprintf("%s from secret %s key %s", e.Name, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
		case e.ValueFrom != nil:
			out[i] = e.Name + " from a reference"
		default:
			out[i] = e.Name + "=" + e.Value
		}
	}
	return out
}

func describeRestore(d *describer, r *v1alpha1.RestoreJob) {
	d.section(0, "Spec")
	d.line(1, "Backup", r.Spec.BackupJobName)
	describeTarget(d, 1, r.Spec.Target)
	if n := len(r.Spec.TargetVolumes); n > 0 {
		d.line(1, "Volumes", n)
	}
	if r.Spec.OnFailAttempted > 0 {
		d.line(1, "Retries", r.Spec.OnFailAttempted)
	}
	s := r.Status
	describeRun(d, string(s.Phase), s.FailureReason, s.StartTimestamp, s.CompletionTimestamp)
	d.time(1, "Expiration", s.Expiration)
}

// describeRun starts the status of a Backup or RestoreJob: its phase, why
// it failed, when it started and ended.
func describeRun(d *describer, phase, reason string, start, end *metav1.Time) {
	d.section(0, "Status")
	d.line(1, "Phase", orNew(phase))
	d.opt(1, "Failure Reason", reason)
	d.time(1, "Started", start)
	d.time(1, "Completed", end)
}

func enabled(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
