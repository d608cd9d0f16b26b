package drivers

import (
	"context"
	"sort"

	"k8s.io/apimachinery/pkg/labels"
)

// TargetResolver finds the database instances a TargetCluster's
// labelsSelector selects: pods in a cluster, or local targets when embedded.
type TargetResolver interface {
	// Targets returns the instances in namespace whose labels match
	// selector, sorted by name; none is not an error. Errors: Unavailable
	// when the backend cannot be reached.
	Targets(ctx context.Context, namespace string, selector labels.Selector) ([]Target, error)
}

// StaticTargets is a TargetResolver over a fixed list, for embedded use and
// tests. A target with an empty Namespace matches every namespace.
type StaticTargets []Target

// Targets returns the targets of namespace (or of no namespace) whose labels
// match selector.
func (s StaticTargets) Targets(_ context.Context, namespace string, selector labels.Selector) ([]Target, error) {
	var out []Target
	for _, t := range s {
		if t.Namespace != "" && t.Namespace != namespace {
			continue
		}
		if selector.Matches(labels.Set(t.Labels)) {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
