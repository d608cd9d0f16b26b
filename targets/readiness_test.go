package targets_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/targets"
)

func TestStaticTargetsAreReadyUnlessTheySayOtherwise(t *testing.T) {
	s := targets.Static{{Name: "a"}, {Name: "b", NotReady: true}}
	got, err := s.Targets(context.Background(), "ns", labels.Everything())
	require.NoError(t, err)
	assert.False(t, got[0].NotReady)
	assert.True(t, got[1].NotReady)
}

func TestWithReadinessMarksTargetsTheCheckFindsDown(t *testing.T) {
	s := targets.Static{{Name: "down"}, {Name: "known-down", NotReady: true}, {Name: "up"}}
	var checked []string
	r := targets.WithReadiness(s, func(_ context.Context, t drivers.Target) bool {
		checked = append(checked, t.Name)
		return t.Name == "up"
	})
	got, err := r.Targets(context.Background(), "ns", labels.Everything())
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []bool{true, true, false}, []bool{got[0].NotReady, got[1].NotReady, got[2].NotReady})
	assert.Equal(t, []string{"down", "up"}, checked, "a target already known down is not checked")
}
