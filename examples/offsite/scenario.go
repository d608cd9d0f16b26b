package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/repository"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

const namespace = "default"

// makeDatabase writes a few files that stand for a database's data (rows
// that compress well), and appends a line to its history so that each run
// backs up new data.
func makeDatabase(dir string, now time.Time) error {
	if err := os.MkdirAll(filepath.Join(dir, "tables"), 0o755); err != nil {
		return err
	}
	for i := range 3 {
		rows := bytes.Repeat(fmt.Appendf(nil, "row %d of table %d\n", i, i), 10000)
		if err := os.WriteFile(filepath.Join(dir, "tables", fmt.Sprintf("t%d.csv", i)), rows, 0o644); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "history.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "run at %s\n", now.Format(time.RFC3339Nano))
	return errors.Join(err, f.Close())
}

// loadOrCreateIdentity returns the age identity of file and its public key
// (the recipient), generating them into file, as age-keygen would, when it
// does not exist.
func loadOrCreateIdentity(file string) (identity, recipient string, err error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		if identity, recipient, err = repository.NewIdentity(); err != nil {
			return "", "", err
		}
		content := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n", time.Now().Format(time.RFC3339), recipient, identity)
		return identity, recipient, os.WriteFile(file, []byte(content), 0o600)
	}
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "AGE-SECRET-KEY-") {
			id, err := age.ParseX25519Identity(line)
			if err != nil {
				return "", "", fmt.Errorf("%s: %w", file, err)
			}
			return line, id.Recipient().String(), nil
		}
	}
	return "", "", fmt.Errorf("%s holds no age identity", file)
}

// runName is the name of this run's Backup and RestoreJob.
func runName(now time.Time) string {
	return "run-" + strings.ReplaceAll(now.UTC().Format("20060102-150405.000"), ".", "-")
}

// backupVerifyRestore backs source up to the repository, verifies the
// stored backup against the checksum the Backup records, and restores it
// from the repository into restored (emptied first).
func backupVerifyRestore(ctx context.Context, st store.Store, repo *repository.Repository, identity, name, source, restored string) error {
	if err := createObjects(ctx, st, name); err != nil {
		return err
	}
	fmt.Println("backing up", source, "to repository", repoName)
	b, err := wait(ctx, func() (*v1alpha1.Backup, error) { return st.Backups().Get(ctx, namespace, name) })
	if err != nil {
		return err
	}
	if b.Status.Phase != v1alpha1.BackupCompleted {
		return fmt.Errorf("backup %s: %s", b.Status.Phase, b.Status.FailureReason)
	}
	m := b.Status.Manifests.BackupTool
	fmt.Printf("backup %s: %s in %s\n  repository key: %s\n  size: %s bytes, %s bytes stored (zstd, age)\n  checksum: %s\n",
		b.Name, b.Status.Phase, b.Status.Duration.Duration, m.FilePath, b.Status.TotalSize, m.UploadTotalSize, m.CheckSum)

	sum, _ := strings.CutPrefix(m.CheckSum, "sha256:")
	if err := repo.Verify(ctx, policy.RepositoryKey(b), &repository.ReadOptions{Identities: []string{identity}, ManifestSHA256: sum}); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	fmt.Println("verified: every object re-read, decrypted and checked against the manifest")

	fmt.Println("restoring from the repository into", restored)
	if err := os.RemoveAll(restored); err != nil {
		return err
	}
	if _, err := st.RestoreJobs().Create(ctx, restoreJob(name)); err != nil {
		return err
	}
	r, err := wait(ctx, func() (*v1alpha1.RestoreJob, error) { return st.RestoreJobs().Get(ctx, namespace, name) })
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
		return errors.New("restored data differs from the source")
	}
	return nil
}

// createObjects creates the BackupTool and the BackupPolicy, which chooses
// the repository, when they are missing, and this run's Backup. The tool
// writes into BACKUP_DIR, a staging directory the driver uploads when the
// commands succeed; a restore downloads into it before its commands run.
func createObjects(ctx context.Context, st store.Store, name string) error {
	tool := &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: "tar"}, Spec: v1alpha1.BackupToolSpec{
		Image:          "busybox",
		Env:            []corev1.EnvVar{{Name: "ARCHIVE", Value: "$(BACKUP_DIR)/data.tar"}},
		BackupCommands: []string{`tar -C "$DATA_DIR" -cf "$ARCHIVE" .`},
		Physical:       v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`mkdir -p "$DATA_DIR" && tar -C "$DATA_DIR" -xf "$ARCHIVE"`}},
	}}
	pol := &v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "db",
		Annotations: map[string]string{v1alpha1.AnnotationRepository: repoName}},
		Spec: v1alpha1.BackupPolicySpec{Datafile: &v1alpha1.CommonBackupPolicy{
			BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{LabelsSelector: selector("db"),
				Secret: &v1alpha1.BackupPolicySecret{Name: "db-credentials"}}},
			BackupToolName: "tar",
		}}}
	if _, err := st.BackupTools().Create(ctx, tool); err != nil && drivers.ErrorCode(err) != drivers.AlreadyExists {
		return err
	}
	if _, err := st.BackupPolicies().Create(ctx, pol); err != nil && drivers.ErrorCode(err) != drivers.AlreadyExists {
		return err
	}
	_, err := st.Backups().Create(ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "db", BackupType: v1alpha1.BackupTypeDataFile}})
	return err
}

func selector(app string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
}

func restoreJob(name string) *v1alpha1.RestoreJob {
	return &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: name, Target: v1alpha1.TargetCluster{LabelsSelector: selector("db-restored")},
			TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{}}}
}

// phased is a Backup or a RestoreJob: what wait polls.
type phased interface {
	*v1alpha1.Backup | *v1alpha1.RestoreJob
}

// wait polls get until the object's phase is terminal or ctx ends.
func wait[T phased](ctx context.Context, get func() (T, error)) (T, error) {
	for {
		obj, err := get()
		if err == nil && terminal(obj) {
			return obj, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func terminal(obj any) bool {
	switch o := obj.(type) {
	case *v1alpha1.Backup:
		return o.Status.Phase.IsTerminal()
	case *v1alpha1.RestoreJob:
		return o.Status.Phase.IsTerminal()
	}
	return false
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
