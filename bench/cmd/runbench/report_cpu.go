package main

import (
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/bench"
)

// cpuProcesses are the processes of figure 1's CPU table, in its order.
var cpuProcesses = []struct{ key, title string }{
	{"bench", "this process"},
	{"kube-apiserver", "kube-apiserver"},
	{"etcd", "etcd"},
	{"kube-controller-manager", "kube-controller-manager"},
}

// lifecycleCPU is figure 1's CPU by process, per Backup: where the time of
// the engine's run goes, beside the raw loop's. Runs of an older JSON have
// no CPU and print nothing.
func (p *report) lifecycleCPU() {
	r := p.r
	sizes := sortedKeys(r.Lifecycle)
	if len(sizes) == 0 || r.Lifecycle[sizes[0]][0].CPU == nil {
		return
	}
	p.f("CPU time by process during the run, ms per Backup (medians; this process is the engine, the Job driver and\n")
	p.f("the test kubelet in the engine's run, the loop alone in the raw one; the 2 cores give at most 2 s of CPU a second):\n\n")
	p.f("| N | run |")
	for _, c := range cpuProcesses {
		p.f(" %s |", c.title)
	}
	p.f(" all |\n|%s\n", strings.Repeat("---|", len(cpuProcesses)+3))
	for _, n := range sizes {
		runs := r.Lifecycle[n]
		for _, side := range []struct {
			name string
			cpu  func(bench.LifecycleResult) map[string]time.Duration
		}{
			{"engine", func(x bench.LifecycleResult) map[string]time.Duration { return x.CPU }},
			{"raw loop", func(x bench.LifecycleResult) map[string]time.Duration { return x.RawCPU }},
		} {
			p.f("| %d | %s |", n, side.name)
			for _, c := range cpuProcesses {
				p.f(" %.1f |", summarize(runs, func(x bench.LifecycleResult) float64 {
					return msPer(side.cpu(x)[c.key], n)
				}).Median)
			}
			p.f(" %.1f |\n", summarize(runs, func(x bench.LifecycleResult) float64 {
				var all time.Duration
				for _, d := range side.cpu(x) {
					all += d
				}
				return msPer(all, n)
			}).Median)
		}
	}
	p.f("\n")
}

func msPer(d time.Duration, n int) float64 {
	return float64(d) / float64(time.Millisecond) / float64(n)
}
