package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const namespace = "default"

// makeDatabase writes a few files that stand for a database's data, and
// appends a line to its history so that each run backs up new data.
func makeDatabase(dir string, now time.Time) error {
	if err := os.MkdirAll(filepath.Join(dir, "tables"), 0o755); err != nil {
		return err
	}
	for i := range 3 {
		rows := bytes.Repeat(fmt.Appendf(nil, "row %d of table %d\n", i, i), 1000)
		if err := os.WriteFile(filepath.Join(dir, "tables", fmt.Sprintf("t%d.csv", i)), rows, 0o644); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "history.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "run at %s\n", now.Format(time.RFC3339Nano))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// runName is the name of this run's Backup and RestoreJob: each run makes
// new ones, so the quickstart can run again over the same directory.
func runName(now time.Time) string {
	return "run-" + strings.ReplaceAll(now.UTC().Format("20060102-150405.000"), ".", "-")
}

// backupAndRestore backs up source with a new Backup named name, then
// restores it into restored (emptied first) with a RestoreJob of the same
// name.
func backupAndRestore(ctx context.Context, st store.Store, name, source, restored string) error {
	if err := createObjects(ctx, st, name); err != nil {
		return err
	}
	fmt.Println("backing up", source)
	b, err := waitBackup(ctx, st, name)
	if err != nil {
		return err
	}
	if b.Status.Phase != v1alpha1.BackupCompleted {
		return fmt.Errorf("backup %s: %s", b.Status.Phase, b.Status.FailureReason)
	}
	m := b.Status.Manifests.BackupTool
	fmt.Printf("backup %s: %s, %s bytes in %s\n  files:    %s\n  checksum: %s\n",
		b.Name, b.Status.Phase, b.Status.TotalSize, b.Status.Duration.Duration, m.FilePath, m.CheckSum)

	fmt.Println("restoring into", restored)
	if err := os.RemoveAll(restored); err != nil {
		return err
	}
	if _, err := st.RestoreJobs().Create(ctx, restoreJob(name)); err != nil {
		return err
	}
	r, err := waitRestore(ctx, st, name)
	if err != nil {
		return err
	}
	if r.Status.Phase != v1alpha1.RestoreJobCompleted {
		return fmt.Errorf("restore %s: %s", r.Status.Phase, r.Status.FailureReason)
	}
	same, err := sameFiles(source, restored)
	if err != nil {
		return err
	}
	fmt.Printf("restore %s: %s; restored data equals the source: %v\n", r.Name, r.Status.Phase, same)
	if !same {
		return fmt.Errorf("restored data differs from the source")
	}
	return nil
}

func createObjects(ctx context.Context, st store.Store, name string) error {
	selector := func(app string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
	}
	tool := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tar"}, Spec: v1alpha1.BackupToolSpec{
		Image:          "busybox",
		Env:            []corev1.EnvVar{{Name: "ARCHIVE", Value: "$(BACKUP_DIR)/data.tar.gz"}},
		BackupCommands: []string{`tar -C "$DATA_DIR" -czf "$ARCHIVE" .`, `echo "{\"userContext\":{\"user\":\"$DB_USER\"}}"`},
		Physical:       v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`mkdir -p "$DATA_DIR" && tar -C "$DATA_DIR" -xzf "$ARCHIVE"`}},
	}}
	policy := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "db"}, Spec: v1alpha1.BackupPolicySpec{
		Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{LabelsSelector: selector("db"),
				Secret: &v1alpha1.BackupPolicySecret{Name: "db-credentials"}}},
			PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"},
			BackupToolName:        "tar",
		},
	}}
	backup := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "db", BackupType: v1alpha1.BackupTypeDataFile}}
	if _, err := st.BackupTools().Create(ctx, tool); err != nil && (drivers.ErrorCode(err) != drivers.AlreadyExists) {
		return err
	}
	if _, err := st.BackupPolicies().Create(ctx, policy); err != nil && (drivers.ErrorCode(err) != drivers.AlreadyExists) {
		return err
	}
	_, err := st.Backups().Create(ctx, backup)
	return err
}

func restoreJob(name string) *v1alpha1.RestoreJob {
	return &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: name,
			Target:        v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db-restored"}}},
			TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{}}}
}

func waitBackup(ctx context.Context, st store.Store, name string) (*v1alpha1.Backup, error) {
	for {
		b, err := st.Backups().Get(ctx, namespace, name)
		if err == nil && b.Status.Phase.IsTerminal() {
			return b, nil
		}
		if err := pause(ctx); err != nil {
			return nil, fmt.Errorf("waiting for backup %s: %w", name, err)
		}
	}
}

func waitRestore(ctx context.Context, st store.Store, name string) (*v1alpha1.RestoreJob, error) {
	for {
		r, err := st.RestoreJobs().Get(ctx, namespace, name)
		if err == nil && r.Status.Phase.IsTerminal() {
			return r, nil
		}
		if err := pause(ctx); err != nil {
			return nil, fmt.Errorf("waiting for restore %s: %w", name, err)
		}
	}
}

func pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(50 * time.Millisecond):
		return nil
	}
}

// sameFiles reports whether two directory trees hold the same files.
func sameFiles(a, b string) (bool, error) {
	same := true
	err := filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		x, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			same = false
		}
		return nil
	})
	return same, err
}
