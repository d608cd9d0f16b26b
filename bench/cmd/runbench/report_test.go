package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/bench"
)

func TestRenderEveryFigure(t *testing.T) {
	lat := bench.Latencies{Count: 10, P50: 0.1, P99: 0.5, Max: 0.6}
	mem := bench.Memory{RSS: 50 << 20, PeakRSS: 80 << 20, HeapInuse: 10 << 20}
	r := &results{
		Machine: bench.Machine{CPU: "Test CPU", Cores: 2, GoVersion: "go1.26.8", OS: "linux", Arch: "amd64"},
		Started: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Took: time.Minute, Command: "-quick",
		APIServer: "v1.37.2", Controllers: "job-controller,garbage-collector-controller",
		Lifecycle: map[int][]bench.LifecycleResult{100: {{N: 100, Engine: 8 * time.Second, Raw: time.Second, RawWrites: 600,
			EngineRequests: bench.RequestCounts{Writes: 400}, DriverRequests: bench.RequestCounts{Gets: 300, Lists: 200, Writes: 100},
			Kubelet: bench.RequestCounts{Writes: 300}}}},
		Scheduler: []bench.SchedulerResult{{Policies: 600, Schedules: 1800, Minutes: 20, Fires: 600, Lag: lat, CPU: time.Second,
			PerMinute: make([]time.Duration, 20), Held: mem}},
		Cron:         []bench.CronResult{{Entries: 1800, Window: 20 * time.Second, Fires: 600, Lag: lat, CPU: time.Second, Held: mem}},
		Retention:    map[int][]bench.RetentionResult{10: {{Backups: 10, Policies: 1, NsPerOp: 1e3}}, 100: {{Backups: 100, Policies: 1, NsPerOp: 2e4}}},
		DataPath:     []bench.DataPathResult{{Bytes: 1 << 30, Engine: 2 * time.Second, Tar: time.Second, Checksum: time.Second / 2}},
		MemEngine:    []bench.MemoryResult{{Held: mem}},
		MemInformers: []bench.MemoryResult{{Held: mem}},
		MemIdle:      []bench.MemoryResult{{Held: mem}},
		MemOptions:   bench.MemoryOptions{Backups: 100, Policies: 10, Namespaces: 2},
		Steady:       []bench.SchedulerResult{{Policies: 600, Schedules: 1800, Minutes: 20, Fires: 600, Lag: lat, PerMinute: make([]time.Duration, 20), Held: mem}},
		Plugin: map[string][]bench.PluginResult{bench.PluginDirect: {{NsPerOp: 2e3}}, bench.PluginWire: {{NsPerOp: 1e5}},
			bench.PluginSubprocess: {{NsPerOp: 4e5}}},
		Failed: map[int]string{}, FigureTook: map[int]time.Duration{1: time.Minute},
	}
	out := render(r)
	for _, want := range []string{"Test CPU, 2 cores", "| 1 | Backup lifecycle, N=100", "8.00× (time)", "| 2 | Scheduler",
		"| 3 | retention.Plan, 100 Backups", "100/10 time: 20.0×", "| 4 | Data path", "2.00× (vs tar + sha256: 1.33×)",
		"| 5 | Memory", "| 6 | Plugin round trip", "200.00×", "## 6. Plugin round trip",
		"| 100 | ≤ 4 engine writes per Backup (the Job driver's apart: 1.00) | 4.00 | met |", "engine time ≤ 1.67× the raw write loop | 8.00× | **not met**",
		"**Steady state.**", "kube-controller-manager (job-controller,garbage-collector-controller)",
		"run by the real Job controller", "--kube-api-qps=1000"} {
		assert.Contains(t, out, want)
	}
	rows := 0
	for _, n := range []string{"1", "2", "3", "4", "5", "6"} {
		rows += strings.Count(out, "\n| "+n+" |")
	}
	assert.Equal(t, 8, rows, "a summary row per figure, per size for retention, and the steady state")
}

func TestRenderNothingAndFailures(t *testing.T) {
	r := &results{Failed: map[int]string{5: "boom"}, FigureTook: map[int]time.Duration{}}
	out := render(r)
	assert.Contains(t, out, "**Figure 5 failed:** `boom`")
	assert.NotContains(t, out, "## 1.")
}

func TestRerenderFromJSON(t *testing.T) {
	dir := t.TempDir()
	r := &results{Retention: map[int][]bench.RetentionResult{10: {{Backups: 10, Policies: 1, NsPerOp: 1e3}}},
		Failed: map[int]string{}, FigureTook: map[int]time.Duration{3: time.Second}}
	data, err := json.Marshal(r)
	require.NoError(t, err)
	in, out := filepath.Join(dir, "results.json"), filepath.Join(dir, "RESULTS.md")
	require.NoError(t, os.WriteFile(in, data, 0o644))
	require.NoError(t, rerender(&config{render: in, out: out}))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, render(r), string(got))
}
