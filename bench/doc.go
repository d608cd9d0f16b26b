// Package bench measures the engine against the physical limits and the
// alternatives: six figures, each side by side with its baseline in the same
// run. bench/cmd/runbench runs them all (make bench) and writes
// bench/RESULTS.md; the go test benchmarks of this package cover the pieces
// that fit a testing.B (retention plans, a scheduler tick, plugin calls).
//
// Each figure is a function that measures one thing once and returns a
// plain result; the runner repeats it, takes medians and spreads, and runs
// the figures whose memory or CPU is measured in a process of their own
// (re-executing itself), so that one figure's garbage never weighs on
// another's RSS.
//
//  1. Lifecycle: Backups from creation to Completed through the Job driver
//     on a real kube-apiserver with the real Job controller
//     (internal/testenv with kube-controller-manager), a test kubelet
//     playing the node and terminating each pod at once; API requests
//     counted by a wrapping http.RoundTripper; baseline: the same number of
//     writes by a plain client-go loop.
//  2. Scheduler: 10,000 BackupPolicies × 3 schedules in one engine (memory
//     store, a driver that completes at once) on a compressed clock;
//     baseline: robfig/cron's own runner holding the same 30,000 entries,
//     its minutes compressed to seconds.
//  3. Retention: retention.Plan over 10,000 and 100,000 Backups.
//  4. Data path: a backup of a generated 1 GiB directory through the engine
//     and the local driver (tar, then the driver's sha256 of the archive),
//     against the bare tar command on the same data.
//  5. Memory: an engine on the kube store that has listed and reconciled
//     10,000 Backups and 1,000 BackupPolicies, against a client-go
//     informer cache holding the same objects and an idle process.
//  6. Plugin round trip: Start+Status through drivers/plugin (a real
//     subprocess, and the wire in process) against the same driver called
//     directly.
package bench
