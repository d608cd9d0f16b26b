package local_test

import (
	"context"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// A backup task, as the engine would build it, run by the local driver:
// BACKUP_DIR names the claim's mount path and is mapped to the local root.
func ExampleNew() {
	root, _ := os.MkdirTemp("", "local-example")
	defer os.RemoveAll(root)
	d, err := local.New(local.Options{Root: root, Secrets: local.SecretMap{"demo/pg": {"password": "secret"}}})
	if err != nil {
		panic(err)
	}
	defer d.Close()

	ctx := context.Background()
	task := &drivers.Task{
		ID: "b1-main", Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile,
		Owner: drivers.ObjectRef{Kind: "Backup", Namespace: "demo", Name: "b1"},
		Env: []corev1.EnvVar{
			{Name: "BACKUP_DIR", Value: "/backupdata/demo/b1"},
			{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "pg"}, Key: "password"}}},
		},
		Storage: &drivers.Storage{ClaimName: "backups", MountPath: "/backupdata", Path: "demo/b1", Create: &drivers.ClaimTemplate{}},
		Steps: []drivers.Step{{Name: "backup", Commands: []string{
			`printf 'hello' > "$BACKUP_DIR/data"`,
			`echo "connecting with $DB_PASSWORD"`,
			`echo '{"backupTool":{"CheckPoint":"0/1"}}'`,
		}}},
	}
	if err := d.Start(ctx, task); err != nil {
		panic(err)
	}
	var st *drivers.TaskStatus
	for st == nil || !st.Phase.IsTerminal() {
		time.Sleep(5 * time.Millisecond)
		if st, err = d.Status(ctx, task.ID); err != nil {
			panic(err)
		}
	}
	fmt.Println(st.Phase, st.TotalSize)
	for _, a := range st.Artifacts {
		fmt.Println(a.Path, a.Size, a.Checksum)
	}
	fmt.Printf("%s", st.LogTail)
	fmt.Println(string(st.Output))
	// Output:
	// Succeeded 5
	// data 5 sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
	// connecting with [REDACTED]
	// {"backupTool":{"CheckPoint":"0/1"}}
	// {"backupTool":{"CheckPoint":"0/1"}}
}
