package memory_test

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// The package documentation's use.
func ExampleNew() {
	ctx := context.Background()
	backup := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "demo", Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg"}}

	s := memory.New(memory.Options{})
	defer s.Close()
	b, err := s.Backups().Create(ctx, backup)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Name, b.ResourceVersion != "", b.Spec.BackupType)
	// Output: b1 true datafile
}
