//go:build unix

package job

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
	"github.com/dpsdk/dataprotection/targets"
)

// TestConformance runs the driver SPI's conformance suite against the Job
// driver on the real API server. The harness plays the kubelet and the Job
// controller (no nodes run): it runs each Job's script on this machine with
// sh, the claims mapped to directories of a temporary root, and writes the
// pods' and Jobs' status back; hooks and status updates run through a
// PodExecutor that runs the command on this machine, as if it were the
// target container.
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, newConformanceHarness)
}

func BenchmarkConformance(b *testing.B) {
	drivertest.BenchmarkDriver(b, newConformanceHarness)
}

func newConformanceHarness(_ context.Context, t testing.TB) (drivertest.Harness, error) {
	env := testenv.Require(t)
	h := &harness{env: env, ns: env.NewNamespace(t), root: t.TempDir()}
	kubelet, err := testkubelet.Start(context.Background(), env.Client, h.ns,
		testkubelet.Local{Client: env.Client, Root: h.root}, testkubelet.Options{Logf: t.Logf})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { _ = kubelet.Stop() })
	return h, nil
}

type harness struct {
	env  *testenv.Env
	ns   string
	root string
}

var (
	_ drivertest.Restarter     = (*harness)(nil)
	_ drivertest.EngineHarness = (*harness)(nil)
	_ drivertest.Timing        = (*harness)(nil)
)

func (h *harness) options() Options {
	// The suite's tasks mount the claim at drivertest.MountPath; pod execs
	// see it where the kubelet maps it.
	claimDir := filepath.Join(h.root, drivertest.Claim)
	rewrite := func(s string) string { return strings.ReplaceAll(s, drivertest.MountPath, claimDir) }
	return Options{Namespace: h.ns, PodExec: podexectest.Local{Rewrite: rewrite}}
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	return New(h.env.Client, h.options())
}

func (h *harness) RestartDriver(context.Context) (drivers.Driver, error) {
	return New(h.env.Client, h.options())
}

func (h *harness) PrepareTask(_ context.Context, task *drivers.Task, _ drivertest.Behaviour) error {
	if task.Image == "" {
		task.Image = "busybox:1.36"
	}
	task.Target.Namespace = h.ns
	task.Target.Containers = []string{"db"}
	return nil
}

func (h *harness) ReadFile(_ context.Context, claim, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, claim, filepath.FromSlash(name)))
}

func (h *harness) EngineSetup(context.Context) (drivertest.EngineSetup, error) {
	labels := map[string]string{"app": "drivertest"}
	return drivertest.EngineSetup{
		Namespace: h.ns,
		Labels:    labels,
		Targets:   targets.Static{{Name: "drivertest-0", Namespace: h.ns, Host: "127.0.0.1", Labels: labels, Containers: []string{"db"}}},
	}, nil
}

func (h *harness) Timeouts() drivertest.Timeouts {
	return drivertest.Timeouts{Finish: time.Minute, Prompt: 10 * time.Second}
}

func (h *harness) Close() {}
