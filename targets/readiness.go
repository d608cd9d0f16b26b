package targets

import (
	"context"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
)

// ReadinessFunc reports whether a target serves now: its database runs and
// accepts connections. It must return within ctx.
type ReadinessFunc func(ctx context.Context, t drivers.Target) bool

// WithReadiness returns a Resolver that resolves with r and marks every
// target that ready reports not serving as NotReady. It is how a host gives
// readiness to targets it runs itself (local targets, a Static list): the
// engine waits for a ready target before a RestoreJob's logical restore.
// Targets r already reports NotReady are not checked again.
func WithReadiness(r Resolver, ready ReadinessFunc) Resolver {
	return readiness{r: r, ready: ready}
}

type readiness struct {
	r     Resolver
	ready ReadinessFunc
}

func (p readiness) Targets(ctx context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error) {
	ts, err := p.r.Targets(ctx, namespace, selector)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if !ts[i].NotReady && !p.ready(ctx, ts[i]) {
			ts[i].NotReady = true
		}
	}
	return ts, nil
}
