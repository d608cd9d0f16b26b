package bench

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPluginModesRunTheTask(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx := context.Background()
	for _, mode := range []string{PluginDirect, PluginWire, PluginSubprocess} {
		t.Run(mode, func(t *testing.T) {
			d, release, err := PluginDriver(ctx, mode, exe)
			require.NoError(t, err)
			defer release()
			for i := range 3 {
				require.NoError(t, StartStatus(ctx, d, i))
			}
		})
	}
}
