package bench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTickCreatesTheSlotsBackupsAndUndoRemovesThem(t *testing.T) {
	ctx := context.Background()
	tick, err := NewTick(ctx, 3)
	require.NoError(t, err)
	defer tick.Store.Close()
	before, err := tick.Store.Backups().List(ctx, tickNamespace, nil)
	require.NoError(t, err)
	assert.Len(t, before, 3*21, "the policies' history")
	for range 2 {
		_, err = tick.Reconcile(ctx, 1)
		require.NoError(t, err)
		after, err := tick.Store.Backups().List(ctx, tickNamespace, nil)
		require.NoError(t, err)
		assert.Len(t, after, 3*21+3, "the slot's three Backups")
		require.NoError(t, tick.Undo(ctx, 1))
	}
}
