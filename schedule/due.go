package schedule

import (
	"fmt"
	"time"
)

// maxMissed is the number of slots after which Due stops counting and
// reports MissedMany, as the CronJob controller does.
const maxMissed = 100

// MissedClass classifies how many slots passed between since and now.
type MissedClass int

// The missed classes.
const (
	// MissedNone means at most one slot passed: nothing was missed.
	MissedNone MissedClass = iota
	// MissedSome means 2 to 100 slots passed; only the most recent runs.
	MissedSome
	// MissedMany means more than 100 slots passed; only the most recent
	// runs. It usually means a clock jump or a long outage and deserves a
	// warning event.
	MissedMany
)

// String returns "None", "Some" or "Many".
func (c MissedClass) String() string {
	switch c {
	case MissedNone:
		return "None"
	case MissedSome:
		return "Some"
	case MissedMany:
		return "Many"
	default:
		return fmt.Sprintf("MissedClass(%d)", int(c))
	}
}

// Result is what Due found for one schedule at one instant.
type Result struct {
	// Slot is the most recent slot in (since, now], in UTC: the one to run.
	// It is the zero time when no slot is due.
	Slot time.Time
	// Missed classifies the number of slots in (since, now].
	Missed MissedClass
	// MissedCount is the number of slots in (since, now] other than Slot,
	// which will never run. It is capped at 100, and equals 100 exactly when
	// Missed is MissedMany.
	MissedCount int
	// Next is the first slot after both since and now, in UTC: when to look
	// again. It is the zero time only if the schedule never fires again.
	Next time.Time
}

// Due returns the slot to run at now for schedule s, given since, the later
// of the policy's last scheduled slot (status.lastScheduleTime) and its
// creation time. Only the most recent slot in (since, now] is returned, so
// missed slots cause at most one run; a slot equal to now is due. When since
// is after now (clock skew), nothing is due. Due does bounded work however
// far since lies in the past: it counts at most 101 slots and bisects for the
// most recent one.
func Due(s *Schedule, since, now time.Time) Result {
	since, now = since.UTC(), now.UTC()
	if since.After(now) {
		return Result{Next: s.Next(since)}
	}
	next := s.Next(now)
	first := s.Next(since)
	if first.IsZero() || first.After(now) {
		return Result{Next: next}
	}
	slot, n := countSlots(s, first, now)
	if n > maxMissed {
		slot = latestSlot(s, since, now)
	}
	return Result{Slot: slot, Missed: classify(n), MissedCount: min(n-1, maxMissed), Next: next}
}

// countSlots walks the slots from first (which is not after now) and returns
// the last one not after now and how many it saw, stopping after
// maxMissed+1.
func countSlots(s *Schedule, first, now time.Time) (time.Time, int) {
	last, n := first, 1
	for n <= maxMissed {
		t := s.Next(last)
		if t.IsZero() || t.After(now) {
			break
		}
		last, n = t, n+1
	}
	return last, n
}

// latestSlot returns the most recent slot in (lo, now], which must hold one.
// It bisects on the instant t such that the slot after t is not after now:
// when hi-lo is at most a second, (lo, now] holds one whole second at most,
// so the slot after lo is the only one there.
func latestSlot(s *Schedule, lo, now time.Time) time.Time {
	hi := now
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if t := s.Next(mid); !t.IsZero() && !t.After(now) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.Next(lo)
}

// classify maps the number of slots in (since, now] to a MissedClass.
func classify(n int) MissedClass {
	switch {
	case n > maxMissed:
		return MissedMany
	case n > 1:
		return MissedSome
	default:
		return MissedNone
	}
}
