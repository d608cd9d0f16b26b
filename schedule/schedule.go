package schedule

import (
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// maxHops bounds how many times Next restarts the cron search, which gives up
// after about five years, before it reports that no slot exists. Four hops
// cover the longest gap a five-field schedule can have (29 February across a
// century that is not a leap year: eight years).
const maxHops = 4

// Schedule is a parsed cron expression evaluated in UTC. Create it with
// Parse; the zero value is not usable. A Schedule is immutable and safe for
// concurrent use.
type Schedule struct {
	expr string
	spec cron.Schedule
}

// Parse parses a cronExpression with v1alpha1.ParseCron: five fields
// (minute hour day-of-month month day-of-week) or a descriptor (@yearly,
// @annually, @monthly, @weekly, @daily, @midnight, @hourly). Time zones,
// @every and expressions that never fire are errors. Parse never panics.
func Parse(expr string) (*Schedule, error) {
	spec, err := v1alpha1.ParseCron(expr)
	if err != nil {
		return nil, err
	}
	return &Schedule{expr: strings.TrimSpace(expr), spec: spec}, nil
}

// Next returns the first slot strictly after t, in UTC, whatever t's
// location. Slots of a parsed schedule are at most eight years apart, so
// Next finds one for any t of a realistic year; it returns the zero time
// only if it finds none within about 25 years after t.
func (s *Schedule) Next(t time.Time) time.Time {
	t = t.UTC()
	for range maxHops {
		if next := s.spec.Next(t); !next.IsZero() {
			return next.UTC()
		}
		// The cron search found nothing up to the end of t's year + 5:
		// resume from there rather than report a gap as the end of time.
		t = t.AddDate(5, 0, 0)
	}
	return time.Time{}
}

// String returns the expression the Schedule was parsed from, without
// surrounding spaces.
func (s *Schedule) String() string {
	return s.expr
}
