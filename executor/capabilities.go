package executor

import (
	"context"
	"sync"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/policy"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// capabilityCache remembers which drivers failed to say what they can
// run. A failure is kept for Options.RetryDelay, so that an unavailable
// driver (a plugin whose process is gone, say) is asked again at most once
// per delay however many policies use it, and costs nothing to the
// policies that do not use it. (A validation asks the drivers that answer
// each time; verdicts caches the validations.)
type capabilityCache struct {
	mu sync.Mutex
	// down are the drivers whose last call failed, with the error and when.
	down map[string]driverFailure
}

// driverFailure is a driver's failed Capabilities call.
type driverFailure struct {
	err error
	at  time.Time
}

// capabilities returns the capabilities of the registered drivers that
// answer, and the error of each one that does not (policy.Inputs). A
// driver that becomes unavailable, and one that comes back, is logged once.
func (e *Executor) capabilities(ctx context.Context) (policy.DriverCapabilities, map[string]error) {
	c := &e.driverCaps
	set, down := policy.DriverCapabilities{}, map[string]error{}
	for _, name := range e.drivers.Names() {
		if f, ok := c.failure(name); ok && e.now().Sub(f.at) < e.opts.RetryDelay {
			down[name] = f.err
			continue
		}
		d := e.drivers[name]
		var caps drivers.Capabilities
		err := e.call(ctx, func(ctx context.Context) (err error) { caps, err = d.Capabilities(ctx); return err })
		if err != nil && ctx.Err() == nil {
			down[name] = err
			if c.fail(name, err, e.now()) {
				e.log.Error(err, "driver unavailable: the policies that use it are Failed until it answers", "driver", name)
			}
			continue
		}
		if err != nil {
			down[name] = err // our own context ended: not the driver's failure
			continue
		}
		set[name] = caps
		if c.answered(name) {
			e.log.Info("driver available again", "driver", name)
		}
	}
	return set, down
}

func (c *capabilityCache) failure(name string) (driverFailure, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.down[name]
	return f, ok
}

// fail records a failed call; true when the driver was not failing.
func (c *capabilityCache) fail(name string, err error, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down == nil {
		c.down = map[string]driverFailure{}
	}
	_, was := c.down[name]
	c.down[name] = driverFailure{err: err, at: now}
	return !was
}

// answered forgets a failure; true when the driver was failing.
func (c *capabilityCache) answered(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, was := c.down[name]
	delete(c.down, name)
	return was
}

// retryingPolicy says whether the Failed policy p is Failed only for now,
// because a driver it uses is unavailable (policy.Validation.Retry): its
// Backups wait for the driver instead of failing. The verdict comes from
// the cache, or is computed again (the drivers that failed are asked at
// most once per Options.RetryDelay).
func (e *Executor) retryingPolicy(ctx context.Context, p *v1alpha1.BackupPolicy) (bool, error) {
	p = p.DeepCopy()
	v1alpha1.SetDefaultsBackupPolicy(p)
	v, err := e.validation(ctx, p)
	return v.Retry, err
}
