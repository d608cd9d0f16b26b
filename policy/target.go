package policy

import (
	"fmt"
	"sort"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// SelectTarget chooses the instance a backup reads from among the targets
// its policy's labelsSelector matched: the one recorded on the Backup
// (annotation v1alpha1.AnnotationTargetPodName) while it is still there, so a
// retried or resumed backup keeps its source; otherwise the first by name.
// No candidates is an error naming the selector's owner.
func SelectTarget(b *v1alpha1.Backup, candidates []drivers.Target) (drivers.Target, error) {
	if len(candidates) == 0 {
		return drivers.Target{}, fmt.Errorf("no target matches the labelsSelector of BackupPolicy %q", b.Spec.BackupPolicyName)
	}
	if want := b.Annotations[v1alpha1.AnnotationTargetPodName]; want != "" {
		for _, c := range candidates {
			if c.Name == want {
				return c, nil
			}
		}
	}
	sorted := append([]drivers.Target(nil), candidates...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	return sorted[0], nil
}
