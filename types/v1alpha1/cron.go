package v1alpha1

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// cronReference is the fixed instant from which ParseCron checks that an
// expression fires at all; robfig/cron looks five years ahead, which covers
// leap days.
var cronReference = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseCron parses a schedule's cronExpression: five standard fields
// (minute hour day-of-month month day-of-week) or a descriptor (@yearly,
// @annually, @monthly, @weekly, @daily, @midnight, @hourly), always in UTC.
// Time zone prefixes (TZ=, CRON_TZ=) and @every are rejected, as are
// expressions that never fire (such as "0 0 30 2 *"). It never panics.
func ParseCron(expr string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid cron expression %q: %v", expr, r)
		}
	}()
	trimmed := strings.TrimSpace(expr)
	switch {
	case trimmed == "":
		return nil, fmt.Errorf("invalid cron expression: empty")
	case strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ="):
		return nil, fmt.Errorf("invalid cron expression %q: time zones are not allowed, schedules are in UTC", expr)
	case strings.HasPrefix(trimmed, "@every"):
		return nil, fmt.Errorf("invalid cron expression %q: @every is not allowed, use five fields", expr)
	}
	sched, err = cronParser.Parse(trimmed)
	if err != nil {
		return nil, fmt.Errorf("invalid cron expression %q: %w", expr, err)
	}
	spec, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("invalid cron expression %q: unsupported schedule", expr)
	}
	// The parser evaluates in time.Local unless told a zone; the API says UTC.
	spec.Location = time.UTC
	if spec.Next(cronReference).IsZero() {
		return nil, fmt.Errorf("invalid cron expression %q: it never fires", expr)
	}
	return spec, nil
}
