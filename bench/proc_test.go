package bench

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ProcessCPUTime reads what getrusage reports for this process, to the
// clock tick, and fails for a process that does not exist.
func TestProcessCPUTimeReadsProc(t *testing.T) {
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	before := CPUTime()
	got, err := ProcessCPUTime(os.Getpid())
	after := CPUTime()
	require.NoError(t, err)
	assert.Greater(t, got, time.Duration(0))
	assert.InDelta(t, float64(before), float64(got), float64(after-before+3*time.Second/clockTicks))

	_, err = ProcessCPUTime(1 << 30)
	assert.Error(t, err)
}
