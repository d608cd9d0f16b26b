package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/dpsdk/dataprotection/bench"
	"github.com/dpsdk/dataprotection/internal/testenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// results are every run of every figure.
type results struct {
	Machine   bench.Machine
	Started   time.Time
	Took      time.Duration
	APIServer string
	// Controllers are the controllers of kube-controller-manager that ran
	// beside kube-apiserver for figure 1 (testenv.Controllers); empty when
	// figure 1 did not run (or in the JSON of an older run).
	Controllers string
	Command     string
	LoadEnd     string // the load averages when the run ended

	Lifecycle    map[int][]bench.LifecycleResult
	Scheduler    []bench.SchedulerResult
	Steady       []bench.SchedulerResult
	Cron         []bench.CronResult
	Retention    map[int][]bench.RetentionResult
	DataPath     []bench.DataPathResult
	MemEngine    []bench.MemoryResult
	MemInformers []bench.MemoryResult
	MemIdle      []bench.MemoryResult
	MemOptions   bench.MemoryOptions
	// MemLarge* are the larger run of figure 5 (engine and informers).
	MemLargeEngine, MemLargeInformers []bench.MemoryResult
	MemLargeOptions                   bench.MemoryOptions
	Plugin                            map[string][]bench.PluginResult
	Repository                        *repositoryResult `json:",omitempty"`

	// Failed says why a figure has no (or partial) results.
	Failed map[int]string
	// Took is each figure's real time.
	FigureTook map[int]time.Duration
}

// run runs the figures that need no control plane first (so that an idle
// kube-apiserver does not share their CPU), then figure 1 on a control
// plane with the Job controller, then figure 5 on a fresh one without
// controllers (the garbage collector would otherwise watch its 100,000
// Backups), and writes the results file.
func run(ctx context.Context, cfg *config) error {
	if cfg.render != "" {
		return rerender(cfg)
	}
	r := &results{Machine: bench.ReadMachine(), Started: time.Now(), Command: cfg.describe(),
		Lifecycle: map[int][]bench.LifecycleResult{}, Retention: map[int][]bench.RetentionResult{},
		Plugin: map[string][]bench.PluginResult{}, Failed: map[int]string{}, FigureTook: map[int]time.Duration{}}
	figure := func(n int, f func() error) {
		if !cfg.figures[n] || ctx.Err() != nil {
			return
		}
		log.Printf("figure %d: start", n)
		start := time.Now()
		if err := f(); err != nil {
			log.Printf("figure %d: %v", n, err)
			r.Failed[n] = err.Error()
		}
		r.FigureTook[n] = time.Since(start)
		log.Printf("figure %d: done in %s", n, r.FigureTook[n].Round(time.Second))
	}
	figure(3, func() error { return runRetention(ctx, cfg, r) })
	figure(6, func() error { return runPlugin(ctx, cfg, r) })
	figure(4, func() error { return runDataPath(ctx, cfg, r) })
	figure(7, func() error { return runRepository(ctx, cfg, r) })
	figure(2, func() error { return runScheduler(ctx, cfg, r) })
	for _, n := range []int{1, 5} {
		if !cfg.figures[n] || ctx.Err() != nil {
			continue
		}
		err := withControlPlane(ctx, r, n == 1, func(c *bench.Cluster, kubeconfig string) {
			if n == 1 {
				figure(1, func() error { return runLifecycle(ctx, cfg, c, r) })
			} else {
				figure(5, func() error { return runMemory(ctx, cfg, c, kubeconfig, r) })
			}
		})
		if err != nil {
			r.Failed[n] = err.Error()
		}
	}
	r.Took = time.Since(r.Started)
	r.LoadEnd = bench.LoadAverage()
	if err := os.WriteFile(cfg.out, []byte(render(r)), 0o644); err != nil {
		return err
	}
	if cfg.json != "" {
		data, err := json.MarshalIndent(r, "", "\t")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.json, data, 0o644); err != nil {
			return err
		}
	}
	log.Printf("wrote %s in %s", cfg.out, r.Took.Round(time.Second))
	if len(r.Failed) > 0 {
		return fmt.Errorf("%d figure(s) failed; see %s", len(r.Failed), cfg.out)
	}
	return ctx.Err()
}

// rerender writes the results file from the JSON of an earlier run.
func rerender(cfg *config) error {
	data, err := os.ReadFile(cfg.render)
	if err != nil {
		return err
	}
	var r results
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s: %w", cfg.render, err)
	}
	return os.WriteFile(cfg.out, []byte(render(&r)), 0o644)
}

// withControlPlane starts etcd and kube-apiserver from DP_TESTENV_BIN, and
// with controllers kube-controller-manager (the Job controller, the
// garbage collector and the TTL-after-finished controller), installs the
// CRDs, runs f, and stops them.
func withControlPlane(ctx context.Context, r *results, controllers bool, f func(c *bench.Cluster, kubeconfig string)) error {
	log.Printf("starting the control plane (%s=%s, controllers: %v)", testenv.BinDirEnv, os.Getenv(testenv.BinDirEnv), controllers)
	env, err := testenv.Start(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err := env.Stop(); err != nil {
			log.Printf("stop the control plane: %v", err)
		}
	}()
	if controllers {
		if err := env.StartControllers(ctx); err != nil {
			return err
		}
		r.Controllers = testenv.Controllers
	}
	c, err := bench.NewCluster(ctx, env.Config)
	if err != nil {
		return err
	}
	c.JobController = controllers
	c.PIDs = env.PIDs()
	if v, err := c.Client.Discovery().ServerVersion(); err == nil {
		r.APIServer = v.GitVersion
	}
	f(c, env.Kubeconfig())
	return nil
}

func runRetention(ctx context.Context, cfg *config, r *results) error {
	for run := range cfg.fastRuns {
		for _, n := range cfg.retentionN {
			var a childArgs
			a.Retention.Backups, a.Retention.Policies = n, cfg.retentionPolices
			var res bench.RetentionResult
			if err := child(ctx, "retention", a, 5*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("retention run %d, %d Backups: %.2f ms/call, %d allocs", run+1, n, res.NsPerOp/1e6, res.AllocsPerOp)
			r.Retention[n] = append(r.Retention[n], res)
		}
	}
	return nil
}

func runPlugin(ctx context.Context, cfg *config, r *results) error {
	for run := range cfg.fastRuns {
		for _, mode := range []string{bench.PluginDirect, bench.PluginWire, bench.PluginSubprocess} {
			var res bench.PluginResult
			if err := child(ctx, "plugin", childArgs{PluginMode: mode}, 5*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("plugin run %d, %s: %.1f µs per Start+Status", run+1, mode, res.NsPerOp/1e3)
			r.Plugin[mode] = append(r.Plugin[mode], res)
		}
	}
	return nil
}

func runDataPath(ctx context.Context, cfg *config, r *results) error {
	dir, err := os.MkdirTemp(cfg.workdir, "dp-bench-datapath-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var a childArgs
	a.DataPath.Dir, a.DataPath.Size, a.DataPath.Runs = filepath.Join(dir, "work"), cfg.dataMiB<<20, cfg.fastRuns
	if err := child(ctx, "datapath", a, 15*time.Minute, &r.DataPath); err != nil {
		return err
	}
	for i, res := range r.DataPath {
		log.Printf("data path run %d: engine %s, tar %s, sha256 %s", i+1, res.Engine.Round(time.Millisecond),
			res.Tar.Round(time.Millisecond), res.Checksum.Round(time.Millisecond))
	}
	return nil
}

// runScheduler alternates the engine's runs and robfig/cron's.
func runScheduler(ctx context.Context, cfg *config, r *results) error {
	for run := range max(cfg.runs, cfg.schedRuns) {
		if run < cfg.schedRuns {
			a := childArgs{Scheduler: bench.SchedulerOptions{Policies: cfg.schedPolicies, Minutes: cfg.schedMinutes}}
			var res bench.SchedulerResult
			if err := child(ctx, "scheduler", a, 15*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("scheduler run %d: %d fires, lag p50 %.3fs p99 %.3fs max %.3fs, %.1f CPU s/hour, %s", run+1, res.Fires,
				res.Lag.P50, res.Lag.P99, res.Lag.Max, res.CPUPerHour(), res.Wall.Round(time.Second))
			r.Scheduler = append(r.Scheduler, res)
		}
		if run < cfg.runs {
			a := childArgs{Cron: bench.CronOptions{Policies: cfg.schedPolicies, Window: cfg.cronWindow}}
			var res bench.CronResult
			if err := child(ctx, "cron", a, cfg.cronWindow+5*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("robfig/cron run %d: %d fires, lag p50 %.4fs p99 %.4fs, %.2f CPU s/hour", run+1, res.Fires,
				res.Lag.P50, res.Lag.P99, res.CPUPerHour())
			r.Cron = append(r.Cron, res)
		}
	}
	return runSteady(ctx, cfg, r)
}

// runSteady runs the scheduler in its steady state: every policy starts
// with 7 Completed Backups per type, so that each new one has retention
// delete the oldest.
func runSteady(ctx context.Context, cfg *config, r *results) error {
	if cfg.steadyMinutes <= 0 {
		return nil
	}
	a := childArgs{Scheduler: bench.SchedulerOptions{Policies: cfg.schedPolicies, Minutes: cfg.steadyMinutes,
		History: int(v1alpha1.DefaultBackupsHistoryLimit)}}
	var res bench.SchedulerResult
	if err := child(ctx, "scheduler", a, 30*time.Minute, &res); err != nil {
		return err
	}
	log.Printf("steady-state scheduler: %d fires, lag p50 %.3fs p99 %.3fs, %.1f CPU s/hour, setup %s, %s", res.Fires,
		res.Lag.P50, res.Lag.P99, res.CPUPerHour(), res.Setup.Round(time.Second), res.Wall.Round(time.Second))
	r.Steady = append(r.Steady, res)
	return nil
}

func runLifecycle(ctx context.Context, cfg *config, c *bench.Cluster, r *results) error {
	for run := range cfg.lifecycleRuns {
		for _, n := range cfg.lifecycleN {
			ns := fmt.Sprintf("lifecycle-%d-%d", n, run)
			res, err := bench.Lifecycle(ctx, c, bench.LifecycleOptions{N: n, Namespace: ns})
			if err != nil {
				return fmt.Errorf("lifecycle of %d Backups: %w", n, err)
			}
			log.Printf("lifecycle run %d, N=%d: engine %s (%.1f backups/s), raw %d writes %s", run+1, n,
				res.Engine.Round(time.Millisecond), float64(n)/res.Engine.Seconds(), res.RawWrites, res.Raw.Round(time.Millisecond))
			r.Lifecycle[n] = append(r.Lifecycle[n], res)
		}
	}
	return nil
}

// runMemory fills the cluster once, then measures the idle process, the
// informers and the engine, each in a new process, -runs times.
func runMemory(ctx context.Context, cfg *config, c *bench.Cluster, kubeconfig string, r *results) error {
	opts := bench.MemoryOptions{Backups: cfg.memBackups, Policies: cfg.memPolicies, Namespaces: 100}
	r.MemOptions = opts
	start := time.Now()
	if err := bench.FillMemory(ctx, c, opts, 0); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	log.Printf("memory: %d Backups and %d BackupPolicies created in %s", opts.Backups, opts.Policies, time.Since(start).Round(time.Second))
	a := childArgs{Kubeconfig: kubeconfig, Memory: opts}
	for run := range cfg.runs {
		for _, m := range []struct {
			name string
			out  *[]bench.MemoryResult
		}{{"memory-idle", &r.MemIdle}, {"memory-informers", &r.MemInformers}, {"memory-engine", &r.MemEngine}} {
			var res bench.MemoryResult
			if err := child(ctx, m.name, a, 10*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("memory run %d, %s: held %.1f MiB, peak %.1f MiB, in %s", run+1, m.name, mib(res.Held.RSS),
				mib(res.Held.PeakRSS), res.Time.Round(time.Millisecond))
			*m.out = append(*m.out, res)
		}
	}
	return runMemoryLarge(ctx, cfg, c, kubeconfig, r)
}

// runMemoryLarge adds Backups up to -mem-large-backups and measures the
// engine and the informers again.
func runMemoryLarge(ctx context.Context, cfg *config, c *bench.Cluster, kubeconfig string, r *results) error {
	if cfg.memLarge <= cfg.memBackups {
		return nil
	}
	opts := r.MemOptions
	opts.Backups = cfg.memLarge
	r.MemLargeOptions = opts
	start := time.Now()
	if err := bench.FillMemory(ctx, c, opts, r.MemOptions.Backups); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	log.Printf("memory: %d Backups in all after %s", opts.Backups, time.Since(start).Round(time.Second))
	a := childArgs{Kubeconfig: kubeconfig, Memory: opts}
	for run := range cfg.runs {
		for _, m := range []struct {
			name string
			out  *[]bench.MemoryResult
		}{{"memory-informers", &r.MemLargeInformers}, {"memory-engine", &r.MemLargeEngine}} {
			var res bench.MemoryResult
			if err := child(ctx, m.name, a, 20*time.Minute, &res); err != nil {
				return err
			}
			log.Printf("memory run %d, %d Backups, %s: held %.1f MiB, peak %.1f MiB, in %s", run+1, opts.Backups, m.name,
				mib(res.Held.RSS), mib(res.Held.PeakRSS), res.Time.Round(time.Millisecond))
			*m.out = append(*m.out, res)
		}
	}
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
