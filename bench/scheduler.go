package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/memory"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// schedStart is the compressed clock's start, between two slots.
var schedStart = time.Date(2026, 1, 5, 0, 0, 30, 0, time.UTC)

// schedulerTool is the BackupTool of the scheduler figure.
const schedulerTool = "bench-scheduler"

// SchedulerOptions size the scheduler figure.
type SchedulerOptions struct {
	// Policies is the number of BackupPolicies, each with three enabled
	// hourly schedules. Default 10,000.
	Policies int
	// PerNamespace is the number of policies in each namespace. Default 100.
	PerNamespace int
	// Minutes is how many minutes of schedule the compressed clock runs.
	// Default 60.
	Minutes int
	// Workers is the engine's Config.Workers. Default 2.
	Workers int
	// MinuteTimeout bounds the real time of one minute. Default 2 minutes.
	MinuteTimeout time.Duration
	// History is the number of Completed scheduled Backups of each type
	// of each policy created before the clock starts, at the schedule's
	// slots of the previous hours: 7, the default history limit, is the
	// steady state, where each new Completed Backup has retention delete
	// the oldest. Default 0: the hour starts with none.
	History int
	// Started, when set, is called when the setup is done and the clock
	// starts: a profiler of the simulated minutes starts there.
	Started func() `json:"-"`
}

func (o *SchedulerOptions) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Policies, 10_000)
	def(&o.PerNamespace, 100)
	def(&o.Minutes, 60)
	def(&o.Workers, 2)
	if o.MinuteTimeout <= 0 {
		o.MinuteTimeout = 2 * time.Minute
	}
}

// SchedulerResult is one run of the scheduler figure, in the process that
// ran it.
type SchedulerResult struct {
	Policies, Schedules, Minutes int
	// Fires is the number of scheduled Backups created.
	Fires int
	// Lag is the fire lag: the real time from the clock reaching a slot to
	// the creation of its Backup.
	Lag Latencies
	// CPU is the process's CPU time over the simulated minutes, Wall their
	// real time; Setup is the time to create and validate the policies.
	CPU, Wall, Setup time.Duration
	// PerMinute is the CPU time of each simulated minute, in order: it
	// grows with the Backups the policies accumulate.
	PerMinute []time.Duration
	// Overruns counts the minutes whose work was not done when the clock
	// got 59 s past their slot (the work then carried over to the next).
	Overruns int
	// Live is the memory at the end; Held the same after a forced GC.
	Live, Held Memory
}

// CPUPerHour is the CPU seconds per hour of schedule.
func (r SchedulerResult) CPUPerHour() float64 {
	return r.CPU.Seconds() * 60 / float64(r.Minutes)
}

// Scheduler runs the scheduler figure once, in this process: an engine
// over a memory store on a fake clock, with the instant driver. The clock
// jumps from slot to slot; in between it runs at real speed while the
// engine works and skips its idle time (see runSlot).
func Scheduler(ctx context.Context, opts SchedulerOptions) (SchedulerResult, error) {
	opts.defaults()
	res := SchedulerResult{Policies: opts.Policies, Schedules: 3 * opts.Policies, Minutes: opts.Minutes}
	fc := clocktesting.NewFakeClock(schedStart)
	obs := newObserver()
	mem := memory.New(memory.Options{Clock: fc.Now, WatchBuffer: 16 << 10})
	defer mem.Close()
	start := time.Now()
	if err := createPolicies(ctx, mem, opts); err != nil {
		return res, err
	}
	engine, err := dataprotection.New(dataprotection.Config{Store: observedStore{Store: mem, obs: obs},
		Drivers: newInstantDriver().registry(), Targets: targets.Static{benchTarget("")},
		Clock: fc, Workers: opts.Workers})
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = engine.Run(ctx) })
	defer func() { cancel(); wg.Wait() }()
	err = poll(ctx, "every BackupPolicy Available and the engine idle", 50*time.Millisecond, 10*time.Minute, func() (bool, error) {
		_, _, idle := obs.totals()
		return obs.availablePolicies() == opts.Policies && idle >= settle, nil
	})
	if err != nil {
		return res, err
	}
	res.Setup = time.Since(start)
	if opts.Started != nil {
		opts.Started()
	}
	return res, runMinutes(ctx, fc, obs, opts, &res)
}

// settle is how long the engine must have been idle after the setup (its
// first pass over every object) before the clock starts.
const settle = 500 * time.Millisecond

// createPolicies creates the tool, opts.Policies policies and their
// history.
func createPolicies(ctx context.Context, st store.Store, opts SchedulerOptions) error {
	_, err := st.BackupTools().Create(ctx, newTool(schedulerTool, "true"))
	if err != nil {
		return err
	}
	for i := range opts.Policies {
		ns := fmt.Sprintf("ns-%03d", i/opts.PerNamespace)
		p, err := st.BackupPolicies().Create(ctx, scheduledPolicy(ns, i, schedulerTool))
		if err != nil {
			return err
		}
		for k, typ := range []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile, v1alpha1.BackupTypeSnapshot} {
			if err := createHistory(ctx, st, p, typ, hourlySlots(schedStart, scheduleMinute(i, k), opts.History)); err != nil {
				return err
			}
		}
	}
	return nil
}

// runMinutes runs the compressed clock over opts.Minutes slots and fills
// the lag, CPU and memory of res.
func runMinutes(ctx context.Context, fc *clocktesting.FakeClock, obs *observer, opts SchedulerOptions, res *SchedulerResult) error {
	per := schedulesPerMinute(opts.Policies)
	var lags []time.Duration
	cpu0, wall0 := CPUTime(), time.Now()
	fires := 0
	for m := 1; m <= opts.Minutes; m++ {
		slot := schedStart.Truncate(time.Minute).Add(time.Duration(m) * time.Minute)
		jumped, cpu := time.Now(), CPUTime()
		fc.SetTime(slot)
		fires += per[slot.Minute()]
		overran, err := runSlot(ctx, fc, obs, slot, fires, m == opts.Minutes, opts.MinuteTimeout)
		if err != nil {
			return err
		}
		if overran {
			res.Overruns++
		}
		res.PerMinute = append(res.PerMinute, CPUTime()-cpu)
		lags = append(lags, obs.lags(slot, jumped)...)
	}
	res.CPU, res.Wall = CPUTime()-cpu0, time.Since(wall0)
	res.Fires, res.Lag = len(lags), NewLatencies(lags)
	res.Live = ReadMemory(false)
	res.Held = ReadMemory(true)
	return nil
}

// schedulesPerMinute counts the schedules of n policies by minute of the
// hour.
func schedulesPerMinute(n int) [60]int {
	var per [60]int
	for i := range n {
		for k := range 3 {
			per[scheduleMinute(i, k)]++
		}
	}
	return per
}

// quiet is how long the engine must have made no store call for the
// compressed clock to skip ahead.
const quiet = 20 * time.Millisecond

// runSlot runs the clock from slot until the fires scheduled Backups so far
// are all created and Completed and the engine is idle. The clock runs at
// real speed while the engine works and skips ahead by 500 ms whenever it
// has been idle for 20 ms, so that the engine's waits (PollInterval,
// retries) pass without idle real time; it never reaches the next slot. When
// it gets 59 s past the slot with work left, the minute overran: the next
// slot comes and the work carries over, unless last is set, when the work
// must finish without the clock.
func runSlot(ctx context.Context, fc *clocktesting.FakeClock, obs *observer, slot time.Time, fires int, last bool, timeout time.Duration) (overran bool, err error) {
	const tick = 5 * time.Millisecond
	limit := slot.Add(59 * time.Second)
	deadline := time.Now().Add(timeout)
	prev := time.Now()
	for {
		created, completed, idle := obs.totals()
		if created == fires && completed == fires && idle >= quiet {
			return overran, nil
		}
		if !fc.Now().Before(limit) {
			overran = true
			if !last {
				return true, nil
			}
		}
		if ctx.Err() != nil {
			return overran, ctx.Err()
		}
		if time.Now().After(deadline) {
			return overran, fmt.Errorf("slot %s: %d of %d Backups created, %d completed after %s", slot.Format(time.TimeOnly),
				created, fires, completed, timeout)
		}
		time.Sleep(tick)
		now := time.Now()
		step := now.Sub(prev)
		if idle >= quiet {
			step = 500 * time.Millisecond
		}
		if step = min(step, limit.Sub(fc.Now())); step > 0 {
			fc.Step(step)
		}
		prev = now
	}
}
