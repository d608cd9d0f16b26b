package bolt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dpsdk/dataprotection/store/bolt"
)

// BenchmarkCreateGet creates a Backup and reads it back, one fsync'd
// transaction per Create (and with NoSync, to show the cost of the sync).
func BenchmarkCreateGet(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("NoSync=%v", noSync), func(b *testing.B) {
			s, err := bolt.New(filepath.Join(b.TempDir(), "store.db"), bolt.Options{NoSync: noSync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				name := fmt.Sprintf("b-%d", i)
				i++
				if _, err := s.Backups().Create(ctx, backup(name)); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Backups().Get(ctx, "ns", name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
