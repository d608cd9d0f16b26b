package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Summary is the median of repeated measurements and their spread.
type Summary struct {
	// Median, Min and Max of the values.
	Median, Min, Max float64
	// N is the number of values.
	N int
}

// Summarize returns the median, minimum and maximum of values; the zero
// Summary for none.
func Summarize(values []float64) Summary {
	if len(values) == 0 {
		return Summary{}
	}
	s := slices.Clone(values)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// Spread is (max − min) / median, the relative spread of the runs.
func (s Summary) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return (s.Max - s.Min) / math.Abs(s.Median)
}

// Format prints the median with format f and, for several runs, the range
// and the relative spread: "12.3 (11.9–13.0, ±4%)".
func (s Summary) Format(f string) string {
	if s.N == 0 {
		return "–"
	}
	med := fmt.Sprintf(f, s.Median)
	if s.N == 1 {
		return med
	}
	return fmt.Sprintf("%s (%s–%s, spread %.0f%%)", med, fmt.Sprintf(f, s.Min), fmt.Sprintf(f, s.Max), 100*s.Spread())
}

// Percentile returns the p-th percentile (0–100) of sorted values, by the
// nearest-rank method; 0 for none.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Latencies summarises a distribution of durations.
type Latencies struct {
	// Count is the number of samples.
	Count int
	// P50, P99 and Max are in seconds.
	P50, P99, Max float64
}

// NewLatencies computes the percentiles of ds.
func NewLatencies(ds []time.Duration) Latencies {
	s := make([]float64, len(ds))
	for i, d := range ds {
		s[i] = d.Seconds()
	}
	slices.Sort(s)
	if len(s) == 0 {
		return Latencies{}
	}
	return Latencies{Count: len(s), P50: Percentile(s, 50), P99: Percentile(s, 99), Max: s[len(s)-1]}
}
