package retention

import (
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// TTL returns the retention ttl of policy p. ok is false, with a nil error,
// when p's Backups get no expiration (they are kept until deleted): p sets
// no ttl, or sets one that upstream KubeBlocks v0.5 accepted but that is not
// a positive duration ("7|", "0d", "0h", or too long for a time.Duration;
// see [v1alpha1.ErrTTLIgnored]), which upstream read as 0 and expired at
// once. Any other ttl that does not follow the grammar of
// [v1alpha1.ParseTTL] (including an empty string) is an error, never read
// as 0; the error names the field, so it can be used as the policy's
// failure reason as it is.
func TTL(p *v1alpha1.BackupPolicy) (ttl time.Duration, ok bool, err error) {
	if p == nil || p.Spec.Retention == nil || p.Spec.Retention.TTL == nil {
		return 0, false, nil
	}
	ttl, err = v1alpha1.ParseTTL(*p.Spec.Retention.TTL)
	switch {
	case errors.Is(err, v1alpha1.ErrTTLIgnored):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("spec.retention.ttl: %w", err)
	}
	return ttl, true, nil
}

// Expiration returns when Backup b expires under a ttl: its start time plus
// ttl. The start time is status.startTimestamp, or metadata.creationTimestamp
// while the Backup has not started; a Backup with neither (one that was never
// stored) yields the zero time plus ttl. The executor stamps the result as
// status.expiration, which [Plan] reads; a policy without a ttl (see [TTL])
// stamps none.
func Expiration(b *v1alpha1.Backup, ttl time.Duration) metav1.Time {
	return metav1.NewTime(startTime(b).Add(ttl))
}

// startTime is status.startTimestamp, else metadata.creationTimestamp.
func startTime(b *v1alpha1.Backup) time.Time {
	if s := b.Status.StartTimestamp; s != nil {
		return s.Time
	}
	return b.CreationTimestamp.Time
}
