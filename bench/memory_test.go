package bench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryFigureReconcilesAndCachesEveryObject(t *testing.T) {
	c := cluster(t)
	ctx := context.Background()
	opts := MemoryOptions{Backups: 40, Policies: 4, Namespaces: 2}
	require.NoError(t, FillMemory(ctx, c, opts, 0))

	engine, err := MemoryEngine(ctx, c, opts)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, engine.Backups, int64(40))
	assert.GreaterOrEqual(t, engine.Policies, int64(4))
	assert.Positive(t, engine.Held.RSS)

	informers, err := MemoryInformers(ctx, c)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, informers.Backups, int64(40))
	assert.GreaterOrEqual(t, informers.Policies, int64(4))

	idle, err := MemoryIdle(ctx, c)
	require.NoError(t, err)
	assert.Positive(t, idle.Held.RSS)
}
