package executor_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/executor"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestTheEngineRoutesAToolChangeToThePoliciesThatNameIt(t *testing.T) {
	h := newHarness(t, nil)
	for _, p := range []*v1alpha1.BackupPolicy{
		backupPolicy(),
		backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Name, p.Spec.Datafile.BackupToolName = "mysql", "mysql-tool" }),
	} {
		_, err := h.store.BackupPolicies().Create(h.ctx, p)
		require.NoError(t, err)
	}
	got, err := h.ex.Router().Route(h.ctx, nil, tool())
	require.NoError(t, err)
	assert.Equal(t, []executor.Request{{Kind: executor.KindBackupPolicy, Key: types.NamespacedName{Namespace: ns, Name: "pg"}}}, got)
}

// countingCaps counts the Capabilities calls of a driver: one per policy
// validation that was not reused.
type countingCaps struct {
	drivers.Driver
	n *atomic.Int64
}

func (d countingCaps) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	d.n.Add(1)
	return d.Driver.Capabilities(ctx)
}

func TestAPolicyIsValidatedAgainOnlyWhenAnInputChanges(t *testing.T) {
	h := newHarness(t, nil)
	var calls atomic.Int64
	cfg := executor.Config{Store: h.store, Drivers: drivers.Registry{"job": countingCaps{h.driver, &calls}}, Clock: h.clock}
	ex := newEngine(cfg)
	_, err := h.store.BackupTools().Create(h.ctx, tool())
	require.NoError(t, err)
	_, err = h.store.BackupPolicies().Create(h.ctx, backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Spec.Snapshot = nil }))
	require.NoError(t, err)
	key := types.NamespacedName{Namespace: ns, Name: "pg"}
	validations := func() int64 {
		_, err := ex.ReconcileBackupPolicy(h.ctx, key)
		require.NoError(t, err)
		return calls.Load()
	}
	first := validations()
	require.Positive(t, first)
	assert.Equal(t, first, validations(), "nothing changed: the verdict is reused")

	tl, err := h.store.BackupTools().Get(h.ctx, "", "pg-tool")
	require.NoError(t, err)
	tl.Spec.Image = "postgres:17"
	_, err = h.store.BackupTools().Update(h.ctx, tl)
	require.NoError(t, err)
	second := validations()
	assert.Greater(t, second, first, "the tool changed")

	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	p.Annotations = map[string]string{v1alpha1.AnnotationPathPrefix: "team-a"}
	_, err = h.store.BackupPolicies().Update(h.ctx, p)
	require.NoError(t, err)
	third := validations()
	assert.Greater(t, third, second, "the policy's annotations changed")
	assert.Equal(t, third, validations())

	require.NoError(t, h.store.BackupTools().Delete(h.ctx, "", "pg-tool", ""))
	assert.Greater(t, validations(), third, "the tool is gone")
	p, err = h.store.BackupPolicies().Get(h.ctx, ns, "pg")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
}
