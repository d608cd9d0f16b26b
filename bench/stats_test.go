package bench

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{3, 1, 2})
	assert.Equal(t, Summary{Median: 2, Min: 1, Max: 3, N: 3}, s)
	assert.InDelta(t, 1.0, s.Spread(), 1e-9)
	assert.Equal(t, "2.0 (1.0–3.0, spread 100%)", s.Format("%.1f"))
	assert.Equal(t, 2.5, Summarize([]float64{4, 1, 2, 3}).Median, "the mean of the middle two")
	assert.Equal(t, "7", Summarize([]float64{7}).Format("%.0f"))
	assert.Equal(t, "–", Summarize(nil).Format("%.0f"))
}

func TestLatencies(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := NewLatencies(ds)
	assert.Equal(t, 100, l.Count)
	assert.InDelta(t, 0.050, l.P50, 1e-9)
	assert.InDelta(t, 0.099, l.P99, 1e-9)
	assert.InDelta(t, 0.100, l.Max, 1e-9)
}
