package targets

import (
	"context"
	"sort"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
)

// Resolver finds the database instances a TargetCluster's labelsSelector
// selects: pods in a cluster, or local targets when embedded.
type Resolver interface {
	// Targets returns the instances in namespace whose labels match
	// selector, sorted by name; none is not an error. Errors: an error
	// for which drivers.ErrorCode returns Unavailable when the backend
	// cannot be reached.
	Targets(ctx context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error)
}

// Static is a Resolver over a fixed list, for embedded use and tests. A
// target with an empty Namespace matches every namespace. Its targets are
// ready unless they say NotReady; WithReadiness checks them instead.
type Static []drivers.Target

// Targets returns the targets of namespace (or of no namespace) whose labels
// match selector, sorted by name.
func (s Static) Targets(_ context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error) {
	var out []drivers.Target
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
