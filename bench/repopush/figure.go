package repopush

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"time"
)

// Figure is the result of figure 7: every run of both pushes.
type Figure struct {
	// Pipeline and Raw are the runs, in order.
	Pipeline, Raw []Result
}

// Summary is the medians of a Figure.
type Summary struct {
	// TimeRatio is the median pipeline time over the median raw time.
	TimeRatio float64
	// CompressionRatio is logical over stored bytes of the pipeline.
	CompressionRatio float64
	// PipelineMiBs and RawMiBs are logical MiB per second.
	PipelineMiBs, RawMiBs float64
	// PipelinePeakRSS and RawPeakRSS are the largest peaks of the runs.
	PipelinePeakRSS, RawPeakRSS int64
}

// RunFigure runs runs rounds of both pushes of o.File, alternating their
// order, each in a child process made by child (which must run Push with
// the options it is given and print the Result as JSON).
func RunFigure(ctx context.Context, o Options, runs int, child func(ctx context.Context, o Options) *exec.Cmd) (Figure, error) {
	var f Figure
	for i := range runs {
		modes := []string{PushPipeline, PushRaw}
		if i%2 == 1 {
			slices.Reverse(modes)
		}
		for _, mode := range modes {
			o.Mode, o.Key = mode, fmt.Sprintf("figure7/%s-%d", mode, i)
			r, err := runChild(ctx, child(ctx, o))
			if err != nil {
				return f, fmt.Errorf("run %d, %s: %w", i, mode, err)
			}
			if mode == PushPipeline {
				f.Pipeline = append(f.Pipeline, r)
			} else {
				f.Raw = append(f.Raw, r)
			}
		}
	}
	return f, nil
}

func runChild(ctx context.Context, cmd *exec.Cmd) (Result, error) {
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("%w: %s", err, errOut.Bytes())
	}
	var r Result
	return r, json.Unmarshal(out.Bytes(), &r)
}

// Summarize returns the medians of f.
func (f Figure) Summarize() Summary {
	p, r := medianTook(f.Pipeline), medianTook(f.Raw)
	s := Summary{PipelinePeakRSS: maxRSS(f.Pipeline), RawPeakRSS: maxRSS(f.Raw)}
	if len(f.Pipeline) == 0 || len(f.Raw) == 0 {
		return s
	}
	s.TimeRatio = p.Seconds() / r.Seconds()
	s.CompressionRatio = float64(f.Pipeline[0].Logical) / float64(f.Pipeline[0].Stored)
	s.PipelineMiBs = float64(f.Pipeline[0].Logical) / (1 << 20) / p.Seconds()
	s.RawMiBs = float64(f.Raw[0].Logical) / (1 << 20) / r.Seconds()
	return s
}

func medianTook(rs []Result) time.Duration {
	if len(rs) == 0 {
		return 0
	}
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = r.Took
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func maxRSS(rs []Result) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.PeakRSS)
	}
	return m
}
