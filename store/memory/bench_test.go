package memory_test

import (
	"context"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/store/memory"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// BenchmarkCreateGet creates a Backup and reads it back.
func BenchmarkCreateGet(b *testing.B) {
	s := memory.New(memory.Options{})
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		name := fmt.Sprintf("b-%d", i)
		i++
		in := &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec: v1alpha1.BackupSpec{BackupPolicyName: "policy"}}
		if _, err := s.Backups().Create(ctx, in); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Backups().Get(ctx, "ns", name); err != nil {
			b.Fatal(err)
		}
	}
}
