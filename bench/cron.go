package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// CronOptions size the scheduler figure's baseline.
type CronOptions struct {
	// Policies is the number of policies whose three schedules become
	// entries (3 × Policies entries). Default 10,000.
	Policies int
	// Window is how long the runner runs, in real time. Default 20s.
	Window time.Duration
}

// CronResult is one run of the baseline.
type CronResult struct {
	Entries int
	// Window is the real time the runner ran; each second is a minute of
	// the schedules.
	Window time.Duration
	// Fires is the number of jobs run; Lag their lag (start − slot).
	Fires int
	Lag   Latencies
	// CPU is the process's CPU time over the window.
	CPU time.Duration
	// Live is the memory at the end; Held the same after a forced GC.
	Live, Held Memory
}

// CPUPerHour is the CPU seconds per hour of schedule (60 seconds of the
// compressed runner).
func (r CronResult) CPUPerHour() float64 {
	return r.CPU.Seconds() * 60 / r.Window.Seconds()
}

// RobfigCron runs robfig/cron's own runner (cron.Cron, the library the
// engine's schedule parser comes from) holding the scheduler figure's
// schedules as entries, compressed 60 times: robfig has no injectable clock,
// so each "M * * * *" schedule becomes the seconds schedule "M * * * * *",
// and a second of its runner is a minute of the engine's. Each job only
// records its lag; the runner starts each in a goroutine of its own.
func RobfigCron(ctx context.Context, opts CronOptions) (CronResult, error) {
	if opts.Policies <= 0 {
		opts.Policies = 10_000
	}
	if opts.Window <= 0 {
		opts.Window = 20 * time.Second
	}
	res := CronResult{Entries: 3 * opts.Policies, Window: opts.Window}
	var mu sync.Mutex
	var lags []time.Duration
	c := cron.New(cron.WithSeconds(), cron.WithLocation(time.UTC))
	for i := range opts.Policies {
		for k := range 3 {
			sec := scheduleMinute(i, k)
			_, err := c.AddFunc(fmt.Sprintf("%d * * * * *", sec), func() {
				now := time.Now()
				lag := now.Sub(lastSecond(now, sec))
				mu.Lock()
				lags = append(lags, lag)
				mu.Unlock()
			})
			if err != nil {
				return res, err
			}
		}
	}
	cpu0 := CPUTime()
	c.Start()
	select {
	case <-ctx.Done():
	case <-time.After(opts.Window):
	}
	<-c.Stop().Done()
	res.CPU = CPUTime() - cpu0
	mu.Lock()
	res.Fires, res.Lag = len(lags), NewLatencies(lags)
	mu.Unlock()
	res.Live = ReadMemory(false)
	res.Held = ReadMemory(true)
	return res, ctx.Err()
}

// lastSecond returns the latest whole second not after t whose second of
// the minute is sec.
func lastSecond(t time.Time, sec int) time.Time {
	s := t.Truncate(time.Second)
	for s.Second() != sec {
		s = s.Add(-time.Second)
	}
	return s
}
