package main

import (
	"fmt"
	"time"

	"github.com/dpsdk/dataprotection/bench"
)

func (p *report) lifecycle() {
	r := p.r
	if len(r.Lifecycle) == 0 {
		return
	}
	p.f("## 1. Backup lifecycle on a real API server\n\n")
	p.f("N Backups are created at once (four goroutines) in a fresh namespace and run by an engine over the kube store\n")
	p.f("and the Job driver, with the engine's defaults (2 workers, PollInterval 2 s).\n%s Time is\n", lifecycleJobs(r))
	p.f("from the first creation to the last Backup Completed. Requests are counted by wrapping http.RoundTrippers on\n")
	p.f("the rest.Configs of the engine's store and of the Job driver, apart; the store's informers made their initial\n")
	p.f("lists and watches before (watches are not reads). The baseline is a plain client-go loop (the generated typed\n")
	p.f("client, 2 goroutines like the engine's 2 workers) that issues as many writes as the run had (the N creations\n")
	p.f("plus the engine's and the driver's writes): each creates a Backup, then writes its status from the object it got\n")
	p.f("back, no reads. Client-side rate limiting is off for both. The store reads from its informers and reads its own\n")
	p.f("writes, so the engine's steps read nothing from the server. The Job driver serves Status from its own\n")
	p.f("label-selected informers on Jobs and pods (their lists and watches are its reads) and notifies the engine\n")
	p.f("when a task's Job or pod changes (drivers.Notifier), so PollInterval is only a fallback.%s\n\n", took(r, 1))
	p.f("| N | engine time | backups/s | raw loop time (writes) | engine / raw | engine per Backup: reads (lists) | writes |")
	p.f(" Job driver per Backup: reads (lists) | writes | kubelet writes |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range sortedKeys(r.Lifecycle) {
		p.lifecycleRow(n, r.Lifecycle[n])
	}
	p.f("\n")
	p.lifecycleCPU()
	p.lifecycleTargets()
}

// lifecycleJobs says what ran figure 1's Jobs.
func lifecycleJobs(r *results) string {
	if r.Controllers == "" { // the JSON of a run before the Job controller
		return "A simulated kubelet (an informer on Jobs) created each Job's pod and at once wrote it terminated with\n" +
			"the script's result, and marked the Job Complete, as the kubelet and the Job controller would (3 writes\n" +
			"per Job, not counted as the engine's)."
	}
	return "The Jobs are run by the real Job controller (kube-controller-manager, with the garbage collector and the\n" +
		"TTL-after-finished controller); no scheduler or kubelet runs, so a test kubelet (internal/testkubelet, an\n" +
		"informer on the namespace's task pods) plays the node: it binds each pod the Job controller creates, marks\n" +
		"it running and at once writes it terminated with exit code 0 and the script's result as its termination\n" +
		"message. The kubelet's requests are counted apart (kubelet writes: binding, running, terminated, which\n" +
		"conflicts once on a stale pod and is written again), the Job controller's not at all; the Job controller\n" +
		"and the garbage collector share the 2 cores with the engine and with the baseline."
}

func (p *report) lifecycleRow(n int, runs []bench.LifecycleResult) {
	l := lifecycleOf(n, runs)
	p.f("| %d | %s s | %s | %s s (%.0f) | %s | %.2f (%.2f) | %.2f | %.2f (%.2f) | %.2f | %.1f |\n", n, l.eng.Format("%.2f"),
		l.rate.Format("%.1f"), l.raw.Format("%.2f"), l.writes.Median, ratio(l.eng.Median, l.raw.Median),
		l.reads, l.lists, l.ew, l.dreads, l.dlists, l.dw, l.kw)
	p.row("1", fmt.Sprintf("Backup lifecycle, N=%d, kube store + Job driver, real kube-apiserver", n),
		fmt.Sprintf("%s s, %.1f backups/s; per Backup: engine %.2f reads, %.2f writes; Job driver %.2f reads, %.2f writes",
			l.eng.Format("%.2f"), l.rate.Median, l.reads, l.ew, l.dreads, l.dw),
		fmt.Sprintf("plain client-go loop, same %.0f writes: %s s", l.writes.Median, l.raw.Format("%.2f")),
		ratio(l.eng.Median, l.raw.Median)+" (time)")
}

// lifecycleFigures are the medians of one size of figure 1.
type lifecycleFigures struct {
	eng, raw, rate, writes                   bench.Summary
	reads, lists, ew, dreads, dlists, dw, kw float64
}

func lifecycleOf(n int, runs []bench.LifecycleResult) lifecycleFigures {
	per := func(f func(bench.LifecycleResult) int64) float64 {
		return summarize(runs, func(x bench.LifecycleResult) float64 { return float64(f(x)) / float64(n) }).Median
	}
	return lifecycleFigures{
		eng:    summarize(runs, func(x bench.LifecycleResult) float64 { return secs(x.Engine) }),
		raw:    summarize(runs, func(x bench.LifecycleResult) float64 { return secs(x.Raw) }),
		rate:   summarize(runs, func(x bench.LifecycleResult) float64 { return float64(n) / secs(x.Engine) }),
		writes: summarize(runs, func(x bench.LifecycleResult) float64 { return float64(x.RawWrites) }),
		reads:  per(func(x bench.LifecycleResult) int64 { return x.EngineRequests.Reads() }),
		lists:  per(func(x bench.LifecycleResult) int64 { return x.EngineRequests.Lists }),
		ew:     per(func(x bench.LifecycleResult) int64 { return x.EngineRequests.Writes }),
		dreads: per(func(x bench.LifecycleResult) int64 { return x.DriverRequests.Reads() }),
		dlists: per(func(x bench.LifecycleResult) int64 { return x.DriverRequests.Lists }),
		dw:     per(func(x bench.LifecycleResult) int64 { return x.DriverRequests.Writes }),
		kw:     per(func(x bench.LifecycleResult) int64 { return x.Kubelet.Writes }),
	}
}

func (p *report) scheduler() {
	r := p.r
	if len(r.Scheduler) == 0 && len(r.Cron) == 0 {
		return
	}
	p.f("## 2. Scheduler\n\n")
	p.f("**This SDK:** %d BackupPolicies in namespaces of 100, each with its three backup types (datafile, logfile,\n", policiesOf(r))
	p.f("snapshot) scheduled once an hour at minutes spread evenly over the hour (≈ %d schedules due each minute),\n", 3*policiesOf(r)/60)
	p.f("in one engine (`Run`, 2 workers) over the memory store, with a driver whose tasks succeed at once (it keeps only\n")
	p.f("task IDs). The engine's clock is a fake clock, compressed: it jumps to each minute's slot; from there it runs at\n")
	p.f("real speed while the engine works and skips ahead 500 ms whenever the engine has been idle for 20 ms, so\n")
	p.f("the engine's waits (PollInterval, retries) pass without idle real time (idle: no store call in flight or ended\n")
	p.f("in the last 20 ms); the next jump comes when that minute's Backups are created and Completed and the engine is\n")
	p.f("idle, or when the clock is 59 s past the slot (the minute overran). Fire lag is the real time from the jump to the\n")
	p.f("creation of each slot's Backup (all of a minute's slots are due at the same instant, as with cron). CPU is the\n")
	p.f("process's user + system time over the simulated minutes. RSS is after a forced GC at the end (peak in\n")
	p.f("parentheses): it includes the memory store, which holds every object.\n\n")
	p.f("**Baseline:** robfig/cron v3's own runner (`cron.Cron`) holding the same %d schedules as entries. It has no\n", 3*policiesOf(r))
	p.f("injectable clock, so it is compressed by its seconds field instead: `M * * * *` becomes `M * * * * *`, a second of\n")
	p.f("its runner is a minute of schedule; it runs a real window and each job only records its lag (robfig starts each\n")
	p.f("job in a goroutine). CPU per hour of schedule is the window's CPU × 60 / window seconds. Both run in a process\n")
	p.f("of this benchmark's binary, whose RSS floor is %s.%s\n\n", floor(r), took(r, 2))
	p.schedulerTable()
	p.schedulerTargets()
	p.steady()
}

// floor describes the RSS of an idle process of the benchmark's binary.
func floor(r *results) string {
	if len(r.MemIdle) == 0 {
		return "that of figure 5's idle process (not run)"
	}
	return fmt.Sprintf("%.0f MiB (figure 5's idle process)", mib(int64(summarize(r.MemIdle, func(x bench.MemoryResult) float64 {
		return float64(x.Held.RSS)
	}).Median)))
}

func policiesOf(r *results) int {
	switch {
	case len(r.Scheduler) > 0:
		return r.Scheduler[0].Policies
	case len(r.Cron) > 0:
		return r.Cron[0].Entries / 3
	}
	return 0
}

func (p *report) schedulerTable() {
	r := p.r
	lagE := func(f func(bench.Latencies) float64) bench.Summary {
		return summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return f(x.Lag) })
	}
	lagC := func(f func(bench.Latencies) float64) bench.Summary {
		return summarize(r.Cron, func(x bench.CronResult) float64 { return f(x.Lag) })
	}
	p50 := func(l bench.Latencies) float64 { return l.P50 }
	p99 := func(l bench.Latencies) float64 { return l.P99 }
	mx := func(l bench.Latencies) float64 { return l.Max }
	cpuE := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return x.CPUPerHour() })
	cpuC := summarize(r.Cron, func(x bench.CronResult) float64 { return x.CPUPerHour() })
	rssE := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return mib(x.Held.RSS) })
	rssC := summarize(r.Cron, func(x bench.CronResult) float64 { return mib(x.Held.RSS) })
	peakE := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return mib(x.Held.PeakRSS) })
	peakC := summarize(r.Cron, func(x bench.CronResult) float64 { return mib(x.Held.PeakRSS) })
	fires := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return float64(x.Fires) })
	firesC := summarize(r.Cron, func(x bench.CronResult) float64 { return float64(x.Fires) })
	wall := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return secs(x.Wall) })
	p.f("| | this SDK (%s) | robfig/cron (%s) | ratio |\n|---|---|---|---|\n", plural(len(r.Scheduler), "run"), plural(len(r.Cron), "run"))
	p.f("| fires measured | %.0f (%s minutes in %s s real) | %.0f (%s) | |\n", fires.Median, minutesOf(r), wall.Format("%.1f"), firesC.Median, windowOf(r))
	p.f("| fire lag p50 | %s s | %s s | %s |\n", lagE(p50).Format("%.3f"), lagC(p50).Format("%.4f"), ratio(lagE(p50).Median, lagC(p50).Median))
	p.f("| fire lag p99 | %s s | %s s | %s |\n", lagE(p99).Format("%.3f"), lagC(p99).Format("%.4f"), ratio(lagE(p99).Median, lagC(p99).Median))
	p.f("| fire lag max | %s s | %s s | %s |\n", lagE(mx).Format("%.3f"), lagC(mx).Format("%.4f"), ratio(lagE(mx).Median, lagC(mx).Median))
	p.f("| CPU s per hour of schedule | %s | %s | %s |\n", cpuE.Format("%.1f"), cpuC.Format("%.2f"), ratio(cpuE.Median, cpuC.Median))
	p.f("| RSS after GC, MiB (peak) | %s (%.0f) | %s (%.0f) | %s |\n", rssE.Format("%.0f"), peakE.Median, rssC.Format("%.0f"), peakC.Median,
		ratio(rssE.Median, rssC.Median))
	over := summarize(r.Scheduler, func(x bench.SchedulerResult) float64 { return float64(x.Overruns) })
	p.f("| minutes whose work was not done 59 s after their slot | %s | | |\n\n", over.Format("%.0f"))
	p.row("2", fmt.Sprintf("Scheduler, %d policies × 3 schedules, memory store, compressed clock: fire lag p50 / p99 / max", policiesOf(r)),
		fmt.Sprintf("%.3f / %.3f / %.3f s; %.1f CPU s per hour of schedule; RSS %.0f MiB", lagE(p50).Median, lagE(p99).Median,
			lagE(mx).Median, cpuE.Median, rssE.Median),
		fmt.Sprintf("robfig/cron runner, same entries: %.4f / %.4f / %.4f s; %.2f CPU s/h; RSS %.0f MiB", lagC(p50).Median,
			lagC(p99).Median, lagC(mx).Median, cpuC.Median, rssC.Median),
		fmt.Sprintf("p99 lag %s, CPU %s, RSS %s", ratio(lagE(p99).Median, lagC(p99).Median), ratio(cpuE.Median, cpuC.Median),
			ratio(rssE.Median, rssC.Median)))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func minutesOf(r *results) string {
	if len(r.Scheduler) == 0 {
		return "0"
	}
	return fmt.Sprint(r.Scheduler[0].Minutes)
}

func windowOf(r *results) string {
	if len(r.Cron) == 0 {
		return "–"
	}
	w := r.Cron[0].Window
	return fmt.Sprintf("%s real = %.0f minutes", w, w.Seconds())
}

func meanDuration(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

func (p *report) retention() {
	r := p.r
	if len(r.Retention) == 0 {
		return
	}
	p.f("## 3. Retention\n\n")
	p.f("`retention.Plan` over N Backups of %d BackupPolicies (100 per namespace), listed in store order: hourly automatic\n", r.Retention[sortedKeys(r.Retention)[0]][0].Policies)
	p.f("backups per policy, datafile ones in incremental chains of five (each child names its parent), every tenth a\n")
	p.f("snapshot, every seventh failed, some expired, protected or manual, the newest running; history limit 7 per type.\n")
	p.f("Measured with testing.Benchmark (at least a second of calls) in a process of its own.%s\n\n", took(r, 3))
	p.f("| Backups | time per call | allocs per call | bytes per call | deletions planned |\n|---|---|---|---|---|\n")
	keys := sortedKeys(r.Retention)
	for _, n := range keys {
		runs := r.Retention[n]
		t := summarize(runs, func(x bench.RetentionResult) float64 { return x.NsPerOp / 1e6 })
		a := summarize(runs, func(x bench.RetentionResult) float64 { return float64(x.AllocsPerOp) })
		by := summarize(runs, func(x bench.RetentionResult) float64 { return float64(x.BytesPerOp) / (1 << 20) })
		p.f("| %d | %s ms | %.0f | %.1f MiB | %d |\n", n, t.Format("%.2f"), a.Median, by.Median, runs[0].Deletions)
		p.row("3", fmt.Sprintf("retention.Plan, %d Backups, %d policies, incremental chains", n, runs[0].Policies),
			fmt.Sprintf("%s ms, %.0f allocs per call", t.Format("%.2f"), a.Median), "–", "")
	}
	if len(keys) >= 2 {
		lo, hi := keys[0], keys[len(keys)-1]
		med := func(n int) float64 {
			return summarize(r.Retention[n], func(x bench.RetentionResult) float64 { return x.NsPerOp }).Median
		}
		grow := float64(hi) / float64(lo)
		p.f("\n%d/%d: time ×%.1f for ×%.0f Backups (linear: ×%.0f). The larger set is not only larger: with %d Backups per\n",
			hi, lo, med(hi)/med(lo), grow, grow, hi/r.Retention[hi][0].Policies)
		p.f("policy instead of %d, most are beyond the history limits, so it plans %d deletions against %d (each with its\n",
			lo/r.Retention[lo][0].Policies, r.Retention[hi][0].Deletions, r.Retention[lo][0].Deletions)
		p.f("message) and walks longer chains.\n\n")
		p.rows[len(p.rows)-1][3] = fmt.Sprintf("linear scaling: ×%.0f", grow)
		p.rows[len(p.rows)-1][4] = fmt.Sprintf("%d/%d time: %.1f×", hi, lo, med(hi)/med(lo))
	}
}

func (p *report) dataPath() {
	runs := p.r.DataPath
	if len(runs) == 0 {
		return
	}
	size := float64(runs[0].Bytes)
	eng := summarize(runs, func(x bench.DataPathResult) float64 { return secs(x.Engine) })
	tar := summarize(runs, func(x bench.DataPathResult) float64 { return secs(x.Tar) })
	sha := summarize(runs, func(x bench.DataPathResult) float64 { return secs(x.Checksum) })
	mbs := summarize(runs, func(x bench.DataPathResult) float64 { return size / 1e6 / secs(x.Checksum) })
	p.f("## 4. Data path (local driver)\n\n")
	p.f("A generated data directory of %.0f MiB (random content: 8 MiB files and 1/128 of it in 4 KiB files) is\n", size/(1<<20))
	p.f("backed up through the engine (memory store, local driver, PollInterval 100 ms): the BackupTool runs\n")
	p.f("`tar -C \"$DATA_DIR\" -cf \"$BACKUP_DIR/data.tar\" .`, then the driver computes the archive's sha256 (the\n")
	p.f("Backup's checkSum). Time is from the Backup's creation to Completed. The baseline is the bare\n")
	p.f("`tar -C DATA -cf OUT .` on the same data in the same run, in alternating order; each output is deleted right\n")
	p.f("after and dirty pages are flushed before each step, so that both write into the same state of memory, and a\n")
	p.f("first run is not kept (on this virtual machine, writing into memory the guest has not used yet is several times\n")
	p.f("slower; single runs of either still vary by up to 3×, hence %s). Checksum throughput is a sha256 of the bare\n", plural(len(runs), "run"))
	p.f("archive computed as the driver does (crypto/sha256, io.Copy from the file).%s\n\n", took(p.r, 4))
	p.f("| | median |\n|---|---|\n")
	p.f("| engine backup | %s s |\n| bare tar | %s s |\n| **engine / tar** | **%s** |\n", eng.Format("%.2f"), tar.Format("%.2f"),
		ratio(eng.Median, tar.Median))
	p.f("| sha256 of the archive | %s s, %s MB/s |\n", sha.Format("%.2f"), mbs.Format("%.0f"))
	p.f("| engine / (tar + sha256), the work the engine's backup does | %s |\n", ratio(eng.Median, tar.Median+sha.Median))
	p.f("| engine − tar − sha256 (medians): steps, process start, polling | %.2f s |\n\n", eng.Median-tar.Median-sha.Median)
	p.row("4", fmt.Sprintf("Data path: %.0f MiB backup through the engine (tar, then the driver's sha256)", size/(1<<20)),
		fmt.Sprintf("%s s; sha256 %.0f MB/s", eng.Format("%.2f"), mbs.Median), fmt.Sprintf("bare tar: %s s", tar.Format("%.2f")),
		fmt.Sprintf("%s (vs tar + sha256: %s)", ratio(eng.Median, tar.Median), ratio(eng.Median, tar.Median+sha.Median)))
}

func (p *report) memory() {
	r := p.r
	if len(r.MemEngine) == 0 {
		return
	}
	e, i, z, o := r.MemEngine, r.MemInformers, r.MemIdle, r.MemOptions
	p.f("## 5. Memory\n\n")
	p.f("%d Completed Backups and %d Available BackupPolicies (%d Backups per policy, over %d namespaces) are created\n",
		o.Backups, o.Policies, o.Backups/max(o.Policies, 1), o.Namespaces)
	p.f("on the API server; then, each in a new process: an **engine** on the kube store (`Run`, defaults; a driver that\n")
	p.f("runs nothing) until it has reconciled every Backup and policy once and been idle for 2 s; the **baseline**, the\n")
	p.f("generated client-go informers of Backups and BackupPolicies synced (what an informer-based controller holds);\n")
	p.f("and the **idle** floor, the same binary with a client that made one request. RSS after runtime.GC and\n")
	p.f("debug.FreeOSMemory; peak is the process's high-water mark (VmHWM). The kube store's caches are on: the engine\n")
	p.f("holds every object of the four kinds in its informers (without managedFields), with the indexes of the\n")
	p.f("store (Backups by policy and phase); its work queue is empty once it is idle.%s\n\n", took(r, 5))
	p.f("| process | Backups | RSS after GC, MiB | peak RSS, MiB | Go heap in use, MiB | time to reconcile / sync, s |\n")
	p.f("|---|---|---|---|---|---|\n")
	lo, hi := r.MemLargeOptions.Backups, r.MemLargeEngine
	for _, row := range []struct {
		name    string
		backups int
		runs    []bench.MemoryResult
	}{{"engine (kube store, caches on)", o.Backups, e}, {"client-go informers (baseline)", o.Backups, i},
		{"engine (kube store, caches on)", lo, hi}, {"client-go informers (baseline)", lo, r.MemLargeInformers},
		{"idle process (floor)", 0, z}} {
		if len(row.runs) > 0 {
			p.memoryRow(row.name, row.backups, row.runs)
		}
	}
	p.f("\nAbove the floor at %d Backups: engine %.1f MiB, informers %.1f MiB.\n\n", o.Backups,
		heldMiB(e).Median-heldMiB(z).Median, heldMiB(i).Median-heldMiB(z).Median)
	p.memoryTargets()
	p.row("5", fmt.Sprintf("Memory: engine on the kube store (caches on) after reconciling %d Backups + %d policies, RSS after GC", o.Backups, o.Policies),
		fmt.Sprintf("%s MiB (peak %.0f); idle floor %.1f MiB", heldMiB(e).Format("%.1f"), peakMiB(e).Median, heldMiB(z).Median),
		fmt.Sprintf("client-go informers holding them: %s MiB (peak %.0f)", heldMiB(i).Format("%.1f"), peakMiB(i).Median),
		ratio(heldMiB(e).Median, heldMiB(i).Median))
}

func (p *report) memoryRow(name string, backups int, runs []bench.MemoryResult) {
	heap := summarize(runs, func(x bench.MemoryResult) float64 { return mib(x.Held.HeapInuse) })
	tm := summarize(runs, func(x bench.MemoryResult) float64 { return secs(x.Time) })
	p.f("| %s | %d | %s | %s | %s | %s |\n", name, backups, heldMiB(runs).Format("%.1f"), peakMiB(runs).Format("%.0f"),
		heap.Format("%.1f"), tm.Format("%.2f"))
}

func heldMiB(runs []bench.MemoryResult) bench.Summary {
	return summarize(runs, func(x bench.MemoryResult) float64 { return mib(x.Held.RSS) })
}

func peakMiB(runs []bench.MemoryResult) bench.Summary {
	return summarize(runs, func(x bench.MemoryResult) float64 { return mib(x.Held.PeakRSS) })
}

func (p *report) plugin() {
	r := p.r
	if len(r.Plugin) == 0 {
		return
	}
	us := func(mode string) bench.Summary {
		return summarize(r.Plugin[mode], func(x bench.PluginResult) float64 { return x.NsPerOp / 1e3 })
	}
	allocs := func(mode string) float64 {
		return summarize(r.Plugin[mode], func(x bench.PluginResult) float64 { return float64(x.AllocsPerOp) }).Median
	}
	p.f("## 6. Plugin round trip\n\n")
	p.f("Start of a new task (a datafile backup task as the engine resolves it: env with a secret reference, steps,\n")
	p.f("target with a volume, storage) plus Status of it, with a driver whose tasks succeed at once, measured with\n")
	p.f("testing.Benchmark: through drivers/plugin to a real plugin subprocess (this binary, serving; a plugin.Manager\n")
	p.f("with go-plugin's automatic mutual TLS, health checks off), through the same gRPC wire to a server in process\n")
	p.f("(plugin.InProcess), and the same driver called directly. Allocations are the host side's.%s\n\n", took(r, 6))
	p.f("| path | µs per Start+Status | allocs | vs direct |\n|---|---|---|---|\n")
	d := us(bench.PluginDirect).Median
	for _, mode := range []string{bench.PluginSubprocess, bench.PluginWire, bench.PluginDirect} {
		p.f("| %s | %s | %.0f | %s |\n", mode, us(mode).Format("%.1f"), allocs(mode), ratio(us(mode).Median, d))
	}
	p.f("\n")
	p.row("6", "Plugin round trip: Start+Status through a plugin subprocess",
		fmt.Sprintf("%s µs (in-process wire: %.0f µs)", us(bench.PluginSubprocess).Format("%.0f"), us(bench.PluginWire).Median),
		fmt.Sprintf("same driver in process, direct: %s µs", us(bench.PluginDirect).Format("%.1f")),
		ratio(us(bench.PluginSubprocess).Median, d))
}

// notes says what the figures do not measure.
func (p *report) notes() {
	p.f("## Notes\n\n")
	if p.r.Controllers == "" { // the JSON of a run before the Job controller
		p.f("- Figure 1 runs no real pods: no kubelet or Job controller runs in the test environment, so a simulated one\n")
		p.f("  finishes each Job at once; the figure measures the control plane's work, not a backup tool's. The engine runs\n")
		p.f("  with its defaults (2 workers); more workers were not measured.\n")
	} else {
		p.f("- Figure 1 runs no real containers: the Job controller is real, but no kubelet runs in the test environment,\n")
		p.f("  so a test kubelet terminates each pod at once; the figure measures the control plane's work, not a backup\n")
		p.f("  tool's. The engine runs with its defaults (2 workers); more workers were not measured.\n")
		p.f("- Figure 1's kube-controller-manager runs with its client-side rate limit raised (--kube-api-qps=1000,\n")
		p.f("  --kube-api-burst=2000), as internal/testenv starts it, so that the limit does not pace the Jobs. The Job\n")
		p.f("  controller still makes several requests per Job (the pod, the Job's status, the pod's tracking finalizer,\n")
		p.f("  events), which the raw loop does not pay for; figure 1's CPU table shows what they cost the control plane.\n")
	}
	p.f("- Figure 2 uses the memory store (its indexes as the other stores'); the bolt and kube stores were not measured\n")
	p.f("  on this figure. The robfig/cron baseline only schedules: its jobs create nothing.\n")
	p.f("- Figure 5's engine holds all four kinds in its informers; the baseline holds Backups and BackupPolicies, the\n")
	p.f("  kinds of which there are many.\n")
	p.f("- Figure 6 serves a driver whose tasks succeed at once, so that the figure measures the plugin round trip;\n")
	p.f("  examples/plugin (tar-gzip) was not used, as its Start starts a supervisor process (through the local\n")
	p.f("  driver), which would dominate the round trip.\n")
}
