package bench

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDataPathBacksUpTheDirectory(t *testing.T) {
	ctx := context.Background()
	p, err := NewDataPath(ctx, t.TempDir(), 4<<20)
	require.NoError(t, err)
	defer p.Close()
	for i := range 2 {
		res, err := p.Run(ctx, i)
		require.NoError(t, err)
		assert.Positive(t, res.Engine)
		assert.Positive(t, res.Tar)
		assert.Positive(t, res.Checksum)
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, res.Sum)
		t.Logf("%+v", res)
	}
}
