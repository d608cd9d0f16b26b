package executor_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/types"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// outage is a driver whose Capabilities fails while down is set, as a
// plugin's does once its manager is closed.
type outage struct {
	*memdriver.Driver
	mu    sync.Mutex
	down  bool
	calls int
}

func (o *outage) Capabilities(ctx context.Context) (drivers.Capabilities, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.down {
		return drivers.Capabilities{}, drivers.Errorf(drivers.Unavailable, "the plugin manager is closed")
	}
	return o.Driver.Capabilities(ctx)
}

func (o *outage) set(down bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.down = down
}

// logLines collects a logger's lines.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(prefix, args string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, args)
}

func (l *logLines) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func countEvents(events []string, sub string) int {
	n := 0
	for _, e := range events {
		if strings.Contains(e, sub) {
			n++
		}
	}
	return n
}

func TestAnUnavailableDriverFailsOnlyThePoliciesThatUseItUntilItComesBack(t *testing.T) {
	h := newHarness(t, nil)
	mirror := &outage{Driver: memdriver.New(nil), down: true}
	mirror.Driver.Clock = h.clock
	logs := &logLines{}
	cfg := h.config()
	cfg.Drivers["mirror"] = mirror
	cfg.Logger = funcr.New(logs.add, funcr.Options{Verbosity: 1})
	h.ex = newEngine(cfg)

	mt := tool()
	mt.Name, mt.Annotations = "mirror-tool", map[string]string{v1alpha1.AnnotationDriver: "mirror"}
	_, err := h.store.BackupTools().Create(h.ctx, mt)
	require.NoError(t, err)
	h.setup(backupPolicy()) // "pg": job and snapshot only
	assert.Equal(t, v1alpha1.PolicyAvailable, h.policy().Status.Phase, "a policy that does not use the driver is validated")

	pm := backupPolicy(func(p *v1alpha1.BackupPolicy) { p.Name, p.Spec.Datafile.BackupToolName = "pm", "mirror-tool" })
	_, err = h.store.BackupPolicies().Create(h.ctx, pm)
	require.NoError(t, err)
	key := types.NamespacedName{Namespace: ns, Name: "pm"}
	for range 5 { // retried: one event, one log line, a bounded number of calls
		res, err := h.ex.ReconcileBackupPolicy(h.ctx, key)
		require.NoError(t, err)
		require.Positive(t, res.RequeueAfter, "the policy comes back by itself")
		h.step(res)
	}
	p, err := h.store.BackupPolicies().Get(h.ctx, ns, "pm")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyFailed, p.Status.Phase)
	assert.Contains(t, p.Status.FailureReason, `spec.datafile.backupToolName`)
	assert.Contains(t, p.Status.FailureReason, `driver "mirror", which is unavailable (retrying): the plugin manager is closed`)
	events := h.drainEvents()
	assert.Equal(t, 1, countEvents(events, "Warning DriverUnavailable"), "%q", events)
	assert.Equal(t, 1, logs.count("driver unavailable"))
	mirror.mu.Lock()
	assert.LessOrEqual(t, mirror.calls, 6)
	mirror.mu.Unlock()

	h.create(&v1alpha1.Backup{ObjectMeta: backup("b1", v1alpha1.BackupTypeDataFile).ObjectMeta,
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pm", BackupType: v1alpha1.BackupTypeDataFile}})
	for range 3 {
		_, err := h.ex.ReconcileBackup(h.ctx, types.NamespacedName{Namespace: ns, Name: "b1"})
		if err != nil {
			assert.Contains(t, err.Error(), "waits for its driver")
		}
	}
	assert.False(t, h.getBackup("b1").Status.Phase.IsTerminal(), "a Backup of the policy waits for the driver")

	mirror.set(false)
	h.clock.Step(11 * time.Second) // past the default RetryDelay
	_, err = h.ex.ReconcileBackupPolicy(h.ctx, key)
	require.NoError(t, err)
	p, err = h.store.BackupPolicies().Get(h.ctx, ns, "pm")
	require.NoError(t, err)
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase)
	assert.Empty(t, p.Status.FailureReason)
	assert.Equal(t, 1, countEvents(h.drainEvents(), "Normal Available"))
	assert.Equal(t, 1, logs.count("driver available again"))
	b := h.runBackup("b1", 20, terminalPhase)
	assert.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
}
