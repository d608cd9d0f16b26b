//go:build unix

package csi_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	snapshotclient "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	"github.com/dpsdk/dataprotection/drivers/drivertest"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
)

// TestConformance runs the drivers' conformance suite against the CSI driver
// on the real API server. The harness plays the snapshot controller (it makes
// the snapshots ready, failed or stuck as the suite asks), gives every
// backup task two claims to snapshot, and runs hook and status-update tasks
// by pod exec on an executor that runs them on this machine, the suite's
// claim mapped to a temporary directory. It is not a Restarter: the suite's
// restart case runs a command task across the restart and wants it to
// finish, while an exec does not outlive the process that streams it (the
// runner then reports it Failed, Unavailable; its tests check that, and
// the driver's own tests that backup and restore tasks survive a restart).
func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, newHarness)
}

func BenchmarkDriver(b *testing.B) {
	drivertest.BenchmarkDriver(b, newHarness)
}

type harness struct {
	kube kubernetes.Interface
	snap snapshotclient.Interface
	ns   string
	root string // the suite's claim, for the commands of hooks

	mu        sync.Mutex
	behaviour map[string]drivertest.Behaviour // by VolumeSnapshot name
	handled   map[string]bool
	contents  []string

	stop context.CancelFunc
	done chan struct{}
}

func newHarness(_ context.Context, t testing.TB) (drivertest.Harness, error) {
	env, snap := requireSnapshots(t)
	ctx, stop := context.WithCancel(context.Background())
	h := &harness{kube: env.Client, snap: snap, ns: env.NewNamespace(t), root: t.TempDir(),
		behaviour: map[string]drivertest.Behaviour{}, handled: map[string]bool{}, stop: stop, done: make(chan struct{})}
	go h.control(ctx)
	return h, nil
}

// Timeouts: what the suite waits for comes through the API server and the
// driver's informers.
func (h *harness) Timeouts() drivertest.Timeouts {
	return drivertest.Timeouts{Finish: time.Minute, Prompt: 10 * time.Second}
}

func (h *harness) MakeDriver(context.Context) (drivers.Driver, error) {
	rewrite := func(s string) string { return strings.ReplaceAll(s, drivertest.MountPath, h.root) }
	return csi.New(h.kube, h.snap, csi.Options{PodExec: podexectest.Local{Rewrite: rewrite}})
}

// PrepareTask puts the task's objects in the harness's namespace. A backup
// gets two claims to snapshot, whose snapshots will behave as b; a restore
// gets two claims to create.
func (h *harness) PrepareTask(ctx context.Context, task *drivers.Task, b drivertest.Behaviour) error {
	task.Target.Namespace = h.ns
	if task.Snapshot == nil {
		return nil
	}
	claims := []string{"data-" + task.ID, "log-" + task.ID}
	switch task.Kind {
	case drivers.KindBackup:
		for i, c := range claims {
			if err := h.createClaim(ctx, c); err != nil {
				return err
			}
			h.mu.Lock()
			h.behaviour[csi.SnapshotName(task.Snapshot.Name, i)] = b
			h.mu.Unlock()
		}
	case drivers.KindRestore:
		claims = []string{"restored-" + task.ID + "-0", "restored-" + task.ID + "-1"}
	}
	task.Snapshot.Claims = claims
	return nil
}

func (h *harness) createClaim(ctx context.Context, name string) error {
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: h.ns},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	_, err := h.kube.CoreV1().PersistentVolumeClaims(h.ns).Create(ctx, pvc, metav1.CreateOptions{})
	return err
}

// control plays the snapshot controller: every few milliseconds it gives
// each new snapshot of a prepared backup the behaviour the suite asked for.
func (h *harness) control(ctx context.Context) {
	defer close(h.done)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		list, err := h.snap.SnapshotV1().VolumeSnapshots(h.ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			continue
		}
		for _, vs := range list.Items {
			h.mu.Lock()
			b, ok := h.behaviour[vs.Name]
			ok = ok && !h.handled[string(vs.UID)]
			h.mu.Unlock()
			if ok && h.play(ctx, vs.Name, b) == nil {
				h.mu.Lock()
				h.handled[string(vs.UID)] = true
				h.mu.Unlock()
			}
		}
	}
}

func (h *harness) play(ctx context.Context, name string, b drivertest.Behaviour) error {
	switch b {
	case drivertest.Succeed:
		content, err := playReady(ctx, h.snap, h.ns, name, "1Gi")
		if err == nil {
			h.mu.Lock()
			h.contents = append(h.contents, content)
			h.mu.Unlock()
		}
		return err
	case drivertest.Fail:
		return playError(ctx, h.snap, h.ns, name, "drivertest: the storage system failed to cut the snapshot")
	}
	return nil
}

func (h *harness) ReadFile(_ context.Context, _, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(h.root, filepath.FromSlash(name)))
}

func (h *harness) Close() {
	h.stop()
	<-h.done
	for _, c := range h.contents {
		_ = h.snap.SnapshotV1().VolumeSnapshotContents().Delete(context.Background(), c, metav1.DeleteOptions{})
	}
}
