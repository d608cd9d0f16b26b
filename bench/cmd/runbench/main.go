// Command runbench runs the benchmark suite of package bench — the six
// figures of the engine, each with its baseline in the same run — and
// writes bench/RESULTS.md. make bench runs it from the repository's root,
// after building the control plane of internal/testenv:
//
//	DP_TESTENV_BIN="$(hack/testenv-binaries.sh | tail -1)" go run ./bench/cmd/runbench
//
// Figures 1 (lifecycle) and 5 (memory) need the control plane (each gets
// one of its own; figure 1's also runs kube-controller-manager), figure 7
// (repository push) the S3 server and the go command; the others need
// nothing but tar. Every figure is repeated (-runs, -fast-runs,
// -sched-runs) and reported as the median with the range and relative
// spread of the runs. -quick runs every figure at smoke sizes (about a
// minute); the size flags lower (or raise) one figure. The defaults are the
// issue's sizes and take about 17 minutes on 2 cores.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dpsdk/dataprotection/bench"
)

// config is the command line.
type config struct {
	out      string
	json     string
	render   string
	runs     int
	fastRuns int
	quick    bool
	figures  map[int]bool
	workdir  string

	lifecycleN       []int
	lifecycleRuns    int
	schedPolicies    int
	schedMinutes     int
	schedRuns        int
	cronWindow       time.Duration
	retentionN       []int
	retentionPolices int
	dataMiB          int64
	repoMiB          int64
	memBackups       int
	memLarge         int
	memPolicies      int
	steadyMinutes    int
}

func main() {
	if bench.ServePluginIfAsked() { // figure 6's plugin subprocess is this binary
		return
	}
	childName := flag.String("child", "", "internal: run one measurement in this process and print its JSON result")
	childArgs := flag.String("child-args", "{}", "internal: the measurement's JSON arguments")
	cfg := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.SetFlags(log.Ltime)
	log.SetPrefix("runbench: ")
	if *childName != "" {
		if err := runChild(ctx, *childName, *childArgs); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(ctx, cfg); err != nil {
		log.Fatal(err)
	}
}

func parseFlags() *config {
	cfg := &config{}
	figures := flag.String("figures", "1,2,3,4,5,6,7", "the figures to run, comma-separated")
	lifecycleN := flag.String("lifecycle-n", "100,1000", "figure 1: numbers of Backups, comma-separated")
	retentionN := flag.String("retention-n", "10000,100000", "figure 3: numbers of Backups, comma-separated")
	flag.StringVar(&cfg.out, "out", "bench/RESULTS.md", "the results file")
	flag.StringVar(&cfg.json, "json", "", "also write every run's numbers as JSON to this file")
	flag.StringVar(&cfg.render, "render", "", "run nothing: write the results file from a JSON file written by -json")
	flag.IntVar(&cfg.runs, "runs", 3, "runs of figures 1, 2 (robfig/cron) and 5 (medians and spreads are over them)")
	flag.IntVar(&cfg.fastRuns, "fast-runs", 5, "runs of the fast figures 3, 4 and 6")
	flag.BoolVar(&cfg.quick, "quick", false, "smoke sizes and 2 runs: every figure in about two minutes")
	flag.StringVar(&cfg.workdir, "workdir", "", "directory for the data path figure's 1 GiB (default: a temporary directory)")
	flag.IntVar(&cfg.lifecycleRuns, "lifecycle-runs", 0, "figure 1: runs (default -runs)")
	flag.IntVar(&cfg.schedPolicies, "sched-policies", 10_000, "figure 2: BackupPolicies, each with 3 enabled hourly schedules")
	flag.IntVar(&cfg.schedMinutes, "sched-minutes", 60, "figure 2: minutes of schedule on the compressed clock")
	flag.IntVar(&cfg.schedRuns, "sched-runs", 2, "figure 2: runs of the engine (one hour of 10,000 policies takes 3 to 4 minutes)")
	flag.DurationVar(&cfg.cronWindow, "cron-window", 20*time.Second, "figure 2: real time of each robfig/cron run (1 s = 1 minute of schedule)")
	flag.IntVar(&cfg.retentionPolices, "retention-policies", 1_000, "figure 3: BackupPolicies")
	flag.Int64Var(&cfg.dataMiB, "data-mib", 1024, "figure 4: size of the data directory, in MiB")
	flag.Int64Var(&cfg.repoMiB, "repo-mib", 1024, "figure 7: size of the pushed file, in MiB")
	flag.IntVar(&cfg.memBackups, "mem-backups", 10_000, "figure 5: Backups")
	flag.IntVar(&cfg.memLarge, "mem-large-backups", 100_000, "figure 5: Backups of the larger run (0: none)")
	flag.IntVar(&cfg.steadyMinutes, "steady-minutes", 20, "figure 2: minutes of the steady-state run, with 7 kept Backups per type and policy (0: none)")
	flag.IntVar(&cfg.memPolicies, "mem-policies", 1_000, "figure 5: BackupPolicies")
	flag.Parse()
	cfg.figures = map[int]bool{}
	for _, n := range ints(*figures) {
		cfg.figures[n] = true
	}
	cfg.lifecycleN, cfg.retentionN = ints(*lifecycleN), ints(*retentionN)
	if cfg.quick {
		cfg.applyQuick()
	}
	if cfg.lifecycleRuns <= 0 {
		cfg.lifecycleRuns = cfg.runs
	}
	return cfg
}

// applyQuick lowers every size for a smoke run.
func (c *config) applyQuick() {
	c.runs, c.fastRuns = 2, 2
	c.lifecycleN = []int{20, 100}
	c.schedPolicies, c.schedMinutes, c.schedRuns, c.cronWindow = 1_000, 5, 1, 5*time.Second
	c.steadyMinutes = 3
	c.retentionN = []int{1_000, 10_000}
	c.dataMiB, c.repoMiB = 64, 64
	c.memBackups, c.memLarge, c.memPolicies = 1_000, 5_000, 100
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// describe is the command line as the results file reports it.
func (c *config) describe() string {
	var figs []string
	for i := 1; i <= 7; i++ {
		if c.figures[i] {
			figs = append(figs, strconv.Itoa(i))
		}
	}
	join := func(ns []int) string {
		s := make([]string, len(ns))
		for i, n := range ns {
			s[i] = strconv.Itoa(n)
		}
		return strings.Join(s, ",")
	}
	return fmt.Sprintf("-figures=%s -runs=%d -fast-runs=%d -quick=%v -lifecycle-n=%s -lifecycle-runs=%d -sched-policies=%d "+
		"-sched-minutes=%d -sched-runs=%d -steady-minutes=%d -cron-window=%s -retention-n=%s -retention-policies=%d -data-mib=%d "+
		"-mem-backups=%d -mem-large-backups=%d -mem-policies=%d -repo-mib=%d", strings.Join(figs, ","), c.runs, c.fastRuns, c.quick,
		join(c.lifecycleN), c.lifecycleRuns, c.schedPolicies, c.schedMinutes, c.schedRuns, c.steadyMinutes, c.cronWindow,
		join(c.retentionN), c.retentionPolices, c.dataMiB, c.memBackups, c.memLarge, c.memPolicies, c.repoMiB)
}
