package v1alpha1_test

import (
	"errors"
	"fmt"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// Decode a manifest strictly, apply the API defaults and validate it.
func ExampleDecode() {
	manifest := []byte(`
apiVersion: dataprotection.kubeblocks.io/v1alpha1
kind: BackupPolicy
metadata: {name: pg, namespace: demo}
spec:
  retention: {ttl: 7x}
  datafile:
    target: {labelsSelector: {matchLabels: {app: pg}}}
    persistentVolumeClaim: {name: backup-data}
    backupToolName: pg-basebackup
`)
	obj, err := v1alpha1.Decode(manifest)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := obj.(*v1alpha1.BackupPolicy)
	v1alpha1.SetDefaults(p)
	fmt.Println("history limit:", *p.Spec.Datafile.BackupsHistoryLimit)
	fmt.Println("create policy:", p.Spec.Datafile.PersistentVolumeClaim.CreatePolicy)
	for _, e := range v1alpha1.ValidateBackupPolicy(p) {
		fmt.Println(e.Field)
	}

	_, err = v1alpha1.Decode([]byte("apiVersion: dataprotection.kubeblocks.io/v1alpha1\nkind: Backup\nspec: {backupPolicyName: pg, schedule: daily}\n"))
	fmt.Println(err != nil)
	// Output:
	// history limit: 7
	// create policy: IfNotPresent
	// spec.retention.ttl
	// true
}

// ParseTTL reads the retention grammar strictly. A value that upstream's
// CRD accepted but that is not a positive duration is ErrTTLIgnored: valid,
// and it turns retention off. Any other is invalid.
func ExampleParseTTL() {
	for _, s := range []string{"7d", "36H", "0d", "7|", "7x"} {
		d, err := v1alpha1.ParseTTL(s)
		fmt.Println(s, d, err != nil, errors.Is(err, v1alpha1.ErrTTLIgnored))
	}
	// Output:
	// 7d 168h0m0s false false
	// 36H 36h0m0s false false
	// 0d 0s true true
	// 7| 0s true true
	// 7x 0s true false
}
