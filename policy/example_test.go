package policy_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// exampleManifests are a BackupTool and a BackupPolicy as a user writes them.
const exampleManifests = `
apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupTool
metadata:
  name: pg-dump
spec:
  image: postgres:16
  env:
  - name: DUMP_FILE
    value: $(BACKUP_DIR)/dump.sql
  backupCommands:
  - pg_dump -h "$DB_HOST" -U "$DB_USER" -f "$DUMP_FILE" app
  physical: {}
  logical:
    restoreCommands:
    - psql -h "$DB_HOST" -U "$DB_USER" -f "$DUMP_FILE" app
---
apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupPolicy
metadata:
  name: pg
  namespace: demo
spec:
  retention:
    ttl: 7d
  schedule:
    datafile:
      cronExpression: "0 3 * * *"
      enable: true
  datafile:
    target:
      labelsSelector:
        matchLabels:
          app: pg
      secret:
        name: pg-secret
    persistentVolumeClaim:
      name: backups
    backupToolName: pg-dump
    backupStatusUpdates:
    - path: manifests.backupTool
      script: cat "$BACKUP_DIR/manifest.json"
`

// exampleObjects decodes exampleManifests strictly and defaults them.
func exampleObjects() (*v1alpha1.BackupTool, *v1alpha1.BackupPolicy) {
	objs, err := v1alpha1.DecodeAll(strings.NewReader(exampleManifests))
	if err != nil {
		panic(err)
	}
	for _, o := range objs {
		v1alpha1.SetDefaults(o)
	}
	return objs[0].(*v1alpha1.BackupTool), objs[1].(*v1alpha1.BackupPolicy)
}

func ExampleValidate() {
	tool, p := exampleObjects()
	job := drivers.Capabilities{Kinds: drivers.TaskKinds, BackupTypes: []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile}}
	in := policy.Inputs{
		Tools:      map[string]*v1alpha1.BackupTool{tool.Name: tool},
		Drivers:    policy.DriverCapabilities{drivers.NameJob: job},
		SecretKeys: map[string][]string{"pg-secret": {"username", "password"}},
	}

	fmt.Println(policy.Validate(p, in).Phase)

	p.Spec.Retention.TTL = ref("1w")
	delete(in.SecretKeys, "pg-secret")
	v := policy.Validate(p, in)
	fmt.Println(v.Phase)
	for _, e := range v.Errors {
		fmt.Println(e)
	}
	// Output:
	// Available
	// Failed
	// spec.retention.ttl: Invalid value: "1w": invalid ttl "1w": want a number followed by d, D, h or H, such as "7d"
	// spec.datafile.target.secret.name: Not found: "pg-secret"
}

func ExampleResolveBackup() {
	tool, p := exampleObjects()
	b := &v1alpha1.Backup{}
	b.Name, b.Namespace, b.UID = "pg-datafile-20261125030000", "demo", "0b7f1c9e-7d1a-4f7e-9a57-3f2d2a1b0c9d"
	b.Spec = v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: v1alpha1.BackupTypeDataFile}
	pod := drivers.Target{Name: "pg-0", Namespace: "demo", Host: "pg-0.pg-headless"}

	plan, err := policy.ResolveBackup(policy.BackupInputs{
		Backup: b, Policy: p, Tool: tool, Target: pod,
		Deadline: time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}

	fmt.Println("driver:", plan.Driver)
	fmt.Println("BACKUP_DIR:", plan.BackupDir)
	fmt.Println("claim:", plan.Storage.ClaimName, "created with", plan.Storage.Create.Capacity.String())
	for i, pt := range plan.Tasks {
		fmt.Printf("task %d: %s %s\n", i, pt.Task.Kind, pt.Task.ID)
	}
	main := plan.Tasks[plan.Main].Task
	for _, v := range main.Env {
		if v.ValueFrom != nil {
			fmt.Printf("  %s from secret %s key %s\n", v.Name, v.ValueFrom.SecretKeyRef.Name, v.ValueFrom.SecretKeyRef.Key)
			continue
		}
		fmt.Printf("  %s=%s\n", v.Name, v.Value)
	}
	fmt.Println("  run:", main.Steps[0].Commands[0])
	// Output:
	// driver: job
	// BACKUP_DIR: /backupdata/demo/pg-datafile-20261125030000
	// claim: backups created with 100Gi
	// task 0: backup pg-datafile-20261125030000-dc33866d-0-main
	// task 1: status-update pg-datafile-20261125030000-dc33866d-0-post-0
	//   DB_HOST=pg-0.pg-headless
	//   DB_USER from secret pg-secret key username
	//   DB_PASSWORD from secret pg-secret key password
	//   BACKUP_NAME=pg-datafile-20261125030000
	//   BACKUP_DIR=/backupdata/demo/pg-datafile-20261125030000
	//   DUMP_FILE=/backupdata/demo/pg-datafile-20261125030000/dump.sql
	//   run: pg_dump -h "$DB_HOST" -U "$DB_USER" -f "$DUMP_FILE" app
}
