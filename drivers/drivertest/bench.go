package drivertest

import (
	"testing"

	"github.com/dpsdk/dataprotection/drivers"
)

// BenchmarkDriver measures the driver's calls as the engine makes them, on
// the command flavour (the first kind and type with commands the driver
// runs) or, failing that, snapshot backups:
//
//   - "Start+Status": Start of a new task and one Status of it, the round
//     trip of an engine step that starts a task (each task finishes outside
//     the timed part, so tasks do not pile up);
//   - "Status/finished": Status of a finished task, the steady cost of
//     polling;
//   - "Start-to-Succeeded": Start of a trivial task and Status polls until
//     it succeeded, the latency of a whole task.
//
// Every task a benchmark starts is cleaned up after the timed loop.
func BenchmarkDriver(b *testing.B, newHarness HarnessMaker) {
	b.Run("Start+Status", func(b *testing.B) {
		e, f := benchEnv(b, newHarness)
		b.ReportAllocs()
		for b.Loop() {
			task := e.behaving(f, Succeed)
			e.start(b, task, Succeed)
			e.status(b, task.ID)
			b.StopTimer() // the task's own work is not the round trip's
			e.waitTerminal(b, task.ID)
			b.StartTimer()
		}
	})
	b.Run("Status/finished", func(b *testing.B) {
		e, f := benchEnv(b, newHarness)
		task := e.behaving(f, Succeed)
		e.start(b, task, Succeed)
		if st := e.waitTerminal(b, task.ID); st.Phase != drivers.Succeeded {
			b.Fatalf("the benchmark's task failed: %s", describe(st))
		}
		b.ReportAllocs()
		for b.Loop() {
			e.status(b, task.ID)
		}
	})
	b.Run("Start-to-Succeeded", func(b *testing.B) {
		e, f := benchEnv(b, newHarness)
		b.ReportAllocs()
		for b.Loop() {
			task := e.behaving(f, Succeed)
			e.start(b, task, Succeed)
			if st := e.waitTerminal(b, task.ID); st.Phase != drivers.Succeeded {
				b.Fatalf("the benchmark's task failed: %s", describe(st))
			}
		}
	})
}

func benchEnv(b *testing.B, newHarness HarnessMaker) (*env, flavour) {
	e := newEnv(b, newHarness)
	fs := e.flavours()
	if len(fs) == 0 {
		b.Skip("drivertest: the driver runs neither tasks with commands nor snapshot backups")
	}
	return e, fs[0]
}
