package executor

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	"github.com/dpsdk/dataprotection/store"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// verdicts caches the validation of each policy with the inputs it was
// computed from: the policy (UID, generation, annotations), the
// BackupTools it names (resourceVersions) and its secrets' keys. The
// drivers' capabilities are fixed for a driver's life (drivers.Driver), so
// the driver set, fixed for the engine's, is no input. A reconcile whose
// inputs did not change reuses the verdict: it reads the policy's tools
// and secrets, not every tool, and asks no driver.
type verdicts struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]verdict
}

// verdict is one cached validation and the inputs it came from.
type verdict struct {
	inputs string
	v      policy.Validation
}

func (c *verdicts) get(key types.NamespacedName, inputs string) (policy.Validation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return v.v, ok && v.inputs == inputs
}

func (c *verdicts) put(key types.NamespacedName, inputs string, v policy.Validation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[types.NamespacedName]verdict{}
	}
	c.entries[key] = verdict{inputs: inputs, v: v}
}

// forget drops the verdict of a policy that is gone.
func (c *verdicts) forget(namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, types.NamespacedName{Namespace: namespace, Name: name})
}

// validation returns p's verdict, from the cache when its inputs did not
// change, else from validatePolicy.
func (e *Executor) validation(ctx context.Context, p *v1alpha1.BackupPolicy) (policy.Validation, error) {
	inputs, err := e.validationInputs(ctx, p)
	if err != nil {
		return policy.Validation{}, err
	}
	key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
	if v, ok := e.verdicts.get(key, inputs); ok {
		return v, nil
	}
	v, err := e.validatePolicy(ctx, p)
	if err == nil && !v.Retry { // a verdict on an unavailable driver is computed again
		e.verdicts.put(key, inputs, v)
	}
	return v, err
}

// validationInputs describes what p's validation depends on, as a string
// that changes when any of it does.
func (e *Executor) validationInputs(ctx context.Context, p *v1alpha1.BackupPolicy) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%d", p.UID, p.Generation)
	for _, k := range slices.Sorted(maps.Keys(p.Annotations)) {
		fmt.Fprintf(&b, "|a:%s=%s", k, p.Annotations[k])
	}
	tools, _ := store.IndexValues(store.IndexBackupTool, p)
	for _, name := range tools {
		t, err := e.store.BackupTools().Get(ctx, "", name)
		switch {
		case drivers.IsNotFound(err):
			fmt.Fprintf(&b, "|t:%s=-", name)
		case err != nil:
			return "", err
		default:
			fmt.Fprintf(&b, "|t:%s=%s/%s", name, t.UID, t.ResourceVersion)
		}
	}
	if e.secrets != nil {
		keys, err := e.secretKeys(ctx, p)
		if err != nil {
			return "", err
		}
		for _, name := range slices.Sorted(maps.Keys(keys)) {
			fmt.Fprintf(&b, "|s:%s=%s", name, strings.Join(slices.Sorted(slices.Values(keys[name])), ","))
		}
	}
	return b.String(), nil
}
