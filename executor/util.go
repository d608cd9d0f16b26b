package executor

import (
	"context"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// attemptOf reads an attempt annotation: missing or malformed is 0, and a
// value above limit is limit. The engine writes attempt k only after attempt
// k-1 ran and failed, and stops at the retries the object allows (limit),
// so attempts 0 to attemptOf are the ones that ran; a larger value, which
// only a user can write, is clamped rather than trusted: loops over the
// attempts stay bounded.
func attemptOf(m metav1.Object, key string, limit int) int {
	n, err := strconv.Atoi(m.GetAnnotations()[key])
	if err != nil || n < 0 {
		return 0
	}
	return min(n, limit)
}

func setAnnotation(m metav1.Object, key, value string) {
	a := m.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[key] = value
	m.SetAnnotations(a)
}

func hasFinalizer(m metav1.Object) bool {
	for _, f := range m.GetFinalizers() {
		if f == v1alpha1.Finalizer {
			return true
		}
	}
	return false
}

func removeFinalizer(m metav1.Object) {
	var keep []string
	for _, f := range m.GetFinalizers() {
		if f != v1alpha1.Finalizer {
			keep = append(keep, f)
		}
	}
	m.SetFinalizers(keep)
}

// lastLines returns at most n lines and max bytes of the end of s.
func lastLines(s string, n, max int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := strings.Join(lines, " | ")
	if len(out) > max {
		out = "..." + out[len(out)-max:]
	}
	return out
}

func timePtr(t metav1.Time) *metav1.Time { return &t }

// policyOf returns the BackupPolicy namespace/name, defaulted, or nil when
// it does not exist.
func (e *Executor) policyOf(ctx context.Context, namespace, name string) (*v1alpha1.BackupPolicy, error) {
	p, err := e.store.BackupPolicies().Get(ctx, namespace, name)
	if drivers.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v1alpha1.SetDefaultsBackupPolicy(p)
	return p, nil
}
