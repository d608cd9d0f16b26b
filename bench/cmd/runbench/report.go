package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dpsdk/dataprotection/bench"
)

// report builds the results file.
type report struct {
	r    *results
	b    strings.Builder
	rows [][]string // the summary table
}

// render returns the results file of r.
func render(r *results) string {
	p := &report{r: r}
	p.lifecycle()
	p.scheduler()
	p.retention()
	p.dataPath()
	p.memory()
	p.plugin()
	p.repository()
	p.notes()
	body := p.b.String()
	p.b.Reset()
	p.header()
	p.summary()
	p.b.WriteString(body)
	return p.b.String()
}

func (p *report) f(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

func (p *report) row(cells ...string) { p.rows = append(p.rows, cells) }

func (p *report) header() {
	r, m := p.r, p.r.Machine
	p.f("# Benchmark results\n\n")
	p.f("Written by bench/cmd/runbench (`make bench`) on %s, in %s. Regenerate with `make bench`; see\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Took.Round(time.Second))
	p.f("`go run ./bench/cmd/runbench -h` for the sizes, `-quick` for a smoke run.\n\n")
	p.f("| machine | |\n|---|---|\n")
	p.f("| CPU | %s, %d cores (logical CPUs) |\n", m.CPU, m.Cores)
	p.f("| memory | %.1f GiB |\n", float64(m.MemTotal)/(1<<30))
	p.f("| Go | %s %s/%s |\n", m.GoVersion, m.OS, m.Arch)
	p.f("| kernel | Linux %s |\n", m.Kernel)
	if m.Load != "" {
		p.f("| load average (1, 5, 15 min) | %s at the start, %s at the end (the cores are shared with other work) |\n", m.Load, r.LoadEnd)
	}
	if r.APIServer != "" {
		p.f("| control plane | %s |\n", controlPlane(r))
	}
	p.f("| command | `%s` |\n\n", r.Command)
	p.f("Each figure runs side by side with its baseline, in the same run of the program, alternating. Numbers are\n")
	p.f("medians over the runs; in parentheses the range (min–max) and the spread, (max − min) / median. Ratios are\n")
	p.f("ratios of medians. The figures whose memory, CPU or allocations are measured run in a process of their own.\n\n")
	for _, n := range sortedKeys(r.Failed) {
		p.f("**Figure %d failed:** `%s`\n\n", n, r.Failed[n])
	}
}

// controlPlane describes the control plane of figures 1 and 5.
func controlPlane(r *results) string {
	plane := "kube-apiserver " + r.APIServer + " + etcd from internal/testenv, loopback"
	if r.Controllers == "" {
		return plane + ", no controllers (no kubelet, no Job controller)"
	}
	return plane + "; for figure 1 also kube-controller-manager (" + r.Controllers + "), no scheduler, a test kubelet " +
		"as the node; figure 5 on a fresh one without controllers"
}

func (p *report) summary() {
	p.f("## Summary\n\n| # | figure | this SDK | baseline | ratio |\n|---|---|---|---|---|\n")
	for _, row := range p.rows {
		p.f("| %s |\n", strings.Join(row, " | "))
	}
	p.f("\n")
}

// summarize maps the runs to values and summarises them.
func summarize[T any](runs []T, value func(T) float64) bench.Summary {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = value(r)
	}
	return bench.Summarize(v)
}

// ratio formats a / b.
func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

func secs(d time.Duration) float64 { return d.Seconds() }

func took(r *results, n int) string {
	if d, ok := r.FigureTook[n]; ok {
		return fmt.Sprintf(" The figure took %s.", d.Round(time.Second))
	}
	return ""
}
