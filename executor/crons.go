package executor

import (
	"sync"

	"github.com/dpsdk/dataprotection/schedule"
)

// maxCrons bounds the parsed cron expressions the engine keeps.
const maxCrons = 4096

// crons caches parsed cron expressions (a *schedule.Schedule is immutable):
// a policy's reconcile reads its schedules each time, and parsing one
// checks that it fires at all, which costs more than the rest of a
// scheduled reconcile. Expressions that do not parse are not kept; when
// full, the cache starts over.
type crons struct {
	mu sync.Mutex
	m  map[string]*schedule.Schedule
}

// parse returns the schedule of expr (see schedule.Parse).
func (c *crons) parse(expr string) (*schedule.Schedule, error) {
	c.mu.Lock()
	s, ok := c.m[expr]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := schedule.Parse(expr)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCrons {
		c.m = map[string]*schedule.Schedule{}
	}
	c.m[expr] = s
	return s, nil
}
