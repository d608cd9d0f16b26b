package bench

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// RawWrites is the lifecycle figure's baseline: a plain client-go loop
// (the generated typed client, no engine) on workers goroutines that creates
// n Backups in namespace ns and writes the status of each, from the object
// the previous write returned (no reads), until it has made total writes in
// all. It returns the loop's time; the namespace's Backups are deleted
// after.
func RawWrites(ctx context.Context, c *Cluster, ns string, n int, total int64, workers int) (time.Duration, error) {
	if err := c.CreateNamespace(ctx, ns); err != nil {
		return 0, err
	}
	cs, err := versioned.NewForConfig(c.Config)
	if err != nil {
		return 0, err
	}
	client := cs.DataprotectionV1alpha1().Backups(ns)
	updates := total - int64(n) // status writes, spread over the Backups
	start := time.Now()
	err = forEach(ctx, n, workers, func(i int) error {
		k := updates / int64(n)
		if int64(i) < updates%int64(n) {
			k++
		}
		b, err := client.Create(ctx, newBackup(ns, fmt.Sprintf("raw-%05d", i), "bench"), metav1.CreateOptions{})
		for j := int64(0); err == nil && j < k; j++ {
			b.Status.Phase = v1alpha1.BackupInProgress
			b.Status.TotalSize = fmt.Sprint(j)
			b, err = client.UpdateStatus(ctx, b, metav1.UpdateOptions{})
		}
		return err
	})
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	return elapsed, client.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
}
