package plugin

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// startWithin calls d.Start(id) with a deadline of timeout.
func startWithin(d drivers.Driver, id string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.Start(ctx, task(id))
}

// TestPluginWritingLongLinesToStdoutKeepsServing: a plugin whose driver
// writes lines over 64 KiB to file descriptor 1 (go-plugin's host stops
// reading a plugin's standard output at such a line, and the next writes
// block) keeps answering: Serve points descriptor 1 at standard error once
// the handshake is out.
func TestPluginWritingLongLinesToStdoutKeepsServing(t *testing.T) {
	_, d, _ := newHelperManager(t, "serve", nil)
	for i := range 4 {
		require.NoError(t, startWithin(d, fmt.Sprintf("bigline-%d", i), 10*time.Second), "write %d", i)
	}
	st, err := d.Status(t.Context(), "bigline-3")
	require.NoError(t, err)
	assert.Equal(t, drivers.Succeeded, st.Phase)
}

// TestStuckPluginIsRestarted: a plugin without that guard wedges on such a
// line (its calls time out while its health checks pass); after StuckCalls
// calls in a row time out, the Manager kills it, and the next call runs on
// a new process.
func TestStuckPluginIsRestarted(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve-unguarded", func(o *ManagerOptions) { o.StuckCalls = 2 })
	first := pid(m)
	var wedged int
	for i := range 6 {
		if err := startWithin(d, fmt.Sprintf("bigline-%d", i), 2*time.Second); err != nil {
			assert.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(err), "%v", err)
			wedged++
		}
		if wedged == 2 {
			break
		}
	}
	require.Equal(t, 2, wedged, "the unguarded plugin wedges")
	require.NoError(t, d.(interface{ Health(context.Context) error }).Health(t.Context()),
		"a wedged plugin passes its health checks")

	require.NoError(t, startWithin(d, "ok-after", 20*time.Second), "the next call restarts the plugin")
	assert.NotEqual(t, first, pid(m), "a new process")
	assert.Equal(t, 1, m.Plugins()[0].Restarts)
}

// TestHangingCallsRestartThePlugin: calls that hang (a driver that ignores
// its context) count as stuck too.
func TestHangingCallsRestartThePlugin(t *testing.T) {
	m, d, _ := newHelperManager(t, "serve", func(o *ManagerOptions) { o.StuckCalls = 2 })
	first := pid(m)
	for i := range 2 {
		err := startWithin(d, fmt.Sprintf("hang-%d", i), 300*time.Millisecond)
		require.Equal(t, drivers.DeadlineExceeded, drivers.ErrorCode(err), "%v", err)
	}
	require.NoError(t, startWithin(d, "ok-after", 20*time.Second))
	assert.NotEqual(t, first, pid(m))
}
