package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	clocktesting "k8s.io/utils/clock/testing"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/local"
	"github.com/dpsdk/dataprotection/store"
	"github.com/dpsdk/dataprotection/store/bolt"
	"github.com/dpsdk/dataprotection/targets"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// namespace holds the test's namespaced objects.
const namespace = "default"

// pollEvery is how often the test looks at an object it waits for.
const pollEvery = 100 * time.Millisecond

// harness is an Engine running the embedded default, as a platform tool
// embeds it: the bolt store, the local driver registered for deployKind
// "job", local targets and an in-memory secret source.
type harness struct {
	st    store.Store
	clock *clocktesting.FakeClock
	// root is the local driver's storage root (the claims).
	root string
}

// startEngine runs an Engine over targets and secrets until the test ends.
// The engine's clock is fake: it starts at start and runs at the speed of
// real time (a goroutine steps it), and the test may jump it forward with
// h.clock.Step, to reach a schedule's slot without waiting for it. The local
// driver runs tool commands with pgBin first on PATH. Each of configure
// changes the engine's Config before it starts.
func startEngine(t *testing.T, start time.Time, pgBin string, targets targets.Resolver, secrets local.SecretMap, configure ...func(*dataprotection.Config)) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{clock: clocktesting.NewFakeClock(start), root: filepath.Join(dir, "backups")}
	st, err := bolt.New(filepath.Join(dir, "dataprotection.db"), bolt.Options{NoSync: true, Clock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.st = st
	driver, err := local.New(local.Options{Root: h.root, Secrets: secrets, Environ: withPath(os.Environ(), pgBin)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := dataprotection.Config{
		Store:   st,
		Drivers: drivers.Registry{"job": driver},
		Targets: targets,
		Secrets: secrets,
		Clock:   h.clock,
		Logger:  testr.NewWithOptions(t, testr.Options{LogTimestamp: true}),
		Options: dataprotection.Options{PollInterval: 200 * time.Millisecond},
	}
	for _, c := range configure {
		c(&cfg)
	}
	engine, err := dataprotection.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = engine.Run(ctx)
	}()
	pumped := make(chan struct{})
	go func() {
		defer close(pumped)
		runClock(ctx, h.clock)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		<-pumped
		_ = driver.Close()
		_ = st.Close()
	})
	return h
}

// runClock steps c by the real time that passes, until ctx ends.
func runClock(ctx context.Context, c *clocktesting.FakeClock) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			c.Step(now.Sub(last))
			last = now
		}
	}
}

// withPath returns environ with dir first on its PATH.
func withPath(environ []string, dir string) []string {
	out := make([]string, 0, len(environ)+1)
	path := dir
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = dir + string(os.PathListSeparator) + v
			continue
		}
		out = append(out, kv)
	}
	return append(out, "PATH="+path)
}

// create creates obj in r, failing the test on error.
func create[T store.Object](t *testing.T, r store.Resource[T], obj T) {
	t.Helper()
	if _, err := r.Create(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls get until done is true and returns the last value; it fails
// the test after timeout, with what it waited for and the last value seen
// (through describe). NotFound errors count as "not yet".
func waitFor[T any](t *testing.T, timeout time.Duration, what string, get func(context.Context) (T, error), done func(T) bool, describe func(T) string) T {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last T
	var lastErr error
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		v, err := get(ctx)
		cancel()
		switch {
		case err == nil:
			last, lastErr = v, nil
			if done(v) {
				return v
			}
		case drivers.IsNotFound(err):
			lastErr = err
		default:
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if time.Now().After(deadline) {
			if lastErr != nil {
				t.Fatalf("gave up waiting for %s after %s: %v", what, timeout, lastErr)
			}
			t.Fatalf("gave up waiting for %s after %s; last seen: %s", what, timeout, describe(last))
		}
		time.Sleep(pollEvery)
	}
}

// waitBackup waits until the Backup name is Completed or Failed and
// returns it.
func (h *harness) waitBackup(t *testing.T, name string, timeout time.Duration) *v1alpha1.Backup {
	t.Helper()
	return waitFor(t, timeout, "backup "+name+" to finish",
		func(ctx context.Context) (*v1alpha1.Backup, error) { return h.st.Backups().Get(ctx, namespace, name) },
		func(b *v1alpha1.Backup) bool { return b.Status.Phase.IsTerminal() },
		func(b *v1alpha1.Backup) string { return string(b.Status.Phase) + " " + b.Status.FailureReason })
}

// waitRestore waits until the RestoreJob name is Completed or Failed and
// returns it.
func (h *harness) waitRestore(t *testing.T, name string, timeout time.Duration) *v1alpha1.RestoreJob {
	t.Helper()
	return waitFor(t, timeout, "restore "+name+" to finish",
		func(ctx context.Context) (*v1alpha1.RestoreJob, error) {
			return h.st.RestoreJobs().Get(ctx, namespace, name)
		},
		func(r *v1alpha1.RestoreJob) bool { return r.Status.Phase.IsTerminal() },
		func(r *v1alpha1.RestoreJob) string { return string(r.Status.Phase) + " " + r.Status.FailureReason })
}

// waitPolicy waits until the BackupPolicy name has been validated
// (Available or Failed) and returns it.
func (h *harness) waitPolicy(t *testing.T, name string, timeout time.Duration) *v1alpha1.BackupPolicy {
	t.Helper()
	return waitFor(t, timeout, "policy "+name+" to be validated",
		func(ctx context.Context) (*v1alpha1.BackupPolicy, error) {
			return h.st.BackupPolicies().Get(ctx, namespace, name)
		},
		func(p *v1alpha1.BackupPolicy) bool { return p.Status.Phase != "" },
		func(p *v1alpha1.BackupPolicy) string { return string(p.Status.Phase) })
}

// waitRestorePast waits until the RestoreJob name has left phase (and the
// phases before it) and returns it.
func (h *harness) waitRestorePast(t *testing.T, name string, phase v1alpha1.RestoreJobPhase, timeout time.Duration) *v1alpha1.RestoreJob {
	t.Helper()
	return waitFor(t, timeout, "restore "+name+" to leave "+string(phase),
		func(ctx context.Context) (*v1alpha1.RestoreJob, error) {
			return h.st.RestoreJobs().Get(ctx, namespace, name)
		},
		func(r *v1alpha1.RestoreJob) bool {
			return r.Status.Phase != "" && r.Status.Phase != v1alpha1.RestoreJobNew && r.Status.Phase != phase
		},
		func(r *v1alpha1.RestoreJob) string { return string(r.Status.Phase) + " " + r.Status.FailureReason })
}
