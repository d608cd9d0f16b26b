package job

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/testenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// world is one test's namespace on the real API server and a driver for it.
type world struct {
	env *testenv.Env
	ns  string
	d   *Driver
	ctx context.Context
}

func newWorld(t *testing.T, opts Options) *world {
	env := testenv.Require(t)
	w := &world{env: env, ns: env.NewNamespace(t), ctx: context.Background()}
	w.d = mustNew(t, env.Client, opts)
	return w
}

// mustNew is New for a test; a nil client stands for one the test never
// reaches (a fake clientset).
func mustNew(t testing.TB, client kubernetes.Interface, opts Options) *Driver {
	t.Helper()
	if client == nil {
		client = newFakeClient()
	}
	d, err := New(client, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// newFakeClient is client-go's fake clientset holding objs, whose watches
// deliver copies of the stored objects. The fake's own watch hands a
// watcher that starts after a write the stored object itself, and the
// driver's informers trim what they receive in place (slim.ManagedFields,
// as client-go lets a transform do), which then races with the fake's
// readers of that object: CI's race detector saw it once in
// TestLogsReadTheTaskPodsLog. A real API server never shares an object.
func newFakeClient(objs ...runtime.Object) *kubefake.Clientset {
	c := kubefake.NewClientset(objs...)
	c.PrependWatchReactor("*", func(a clienttesting.Action) (bool, watch.Interface, error) {
		var opts metav1.ListOptions
		if w, ok := a.(clienttesting.WatchActionImpl); ok {
			opts = w.ListOptions
		}
		w, err := c.Tracker().Watch(a.GetResource(), a.GetNamespace(), opts)
		if err != nil {
			return false, nil, err
		}
		return true, watch.Filter(w, func(e watch.Event) (watch.Event, bool) {
			if e.Object != nil {
				e.Object = e.Object.DeepCopyObject()
			}
			return e, true
		}), nil
	})
	return c
}

// id returns a task ID unique in the API server (whose namespaces, and
// their Jobs, outlive the tests).
func (w *world) id(step string) string {
	return fmt.Sprintf("t-%s-%s", w.ns[len(w.ns)-5:], step)
}

// backupTask is a datafile backup of target pod db-0 in ns, with a secret
// reference, envFrom, resources, target volumes, node and tolerations.
func backupTask(ns, id string) *drivers.Task {
	return &drivers.Task{
		ID:         id,
		Kind:       drivers.KindBackup,
		BackupType: v1alpha1.BackupTypeDataFile,
		Owner:      drivers.ObjectRef{Kind: "Backup", Namespace: ns, Name: "b1", UID: types.UID("uid-b1")},
		Labels:     map[string]string{v1alpha1.LabelBackupName: "b1", v1alpha1.LabelBackupType: "datafile"},
		Image:      "registry.example/pg-tools:16",
		Steps: []drivers.Step{{Name: "backup", Commands: []string{
			`mkdir -p "$BACKUP_DIR"`,
			`pg_basebackup -h "$DB_HOST" -U "$DB_USER" -D "$BACKUP_DIR" -Ft -z`,
		}}},
		Env: []corev1.EnvVar{
			{Name: "DB_HOST", Value: "db-0.db"},
			{Name: "DB_USER", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "db-secret"}, Key: "username"}}},
			{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: "db-secret"}, Key: "password"}}},
			{Name: "BACKUP_NAME", Value: "b1"},
			{Name: "BACKUP_DIR", Value: "/backupdata/" + ns + "/b1"},
		},
		EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "tool-config"}}}},
		Resources: &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")}},
		Target: drivers.Target{
			Name: "db-0", Namespace: ns, Host: "db-0.db", Node: "node-a", Containers: []string{"postgres", "metrics"},
			Volumes: []corev1.Volume{
				{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-db-0"}}},
				{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: "db-config"}}}},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}, {Name: "config", MountPath: "/etc/db"}},
			Tolerations:  []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db", Effect: corev1.TaintEffectNoSchedule}},
		},
		Storage: &drivers.Storage{ClaimName: "backup-pvc", MountPath: "/backupdata", Path: ns + "/b1",
			Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("20Gi"), StorageClassName: ptr.To("nfs"),
				GenerateName: "backup-pvc-" + ns}},
	}
}

// requireCode checks err's driver code.
func requireCode(t *testing.T, want drivers.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, drivers.ErrorCode(err), "code of %v", err)
}

// fixedClock is a PassiveClock at a fixed time.
type fixedClock struct{ now time.Time }

func (c fixedClock) Now() time.Time                  { return c.now }
func (c fixedClock) Since(t time.Time) time.Duration { return c.now.Sub(t) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// waitForJob polls until the Job exists.
func waitForJob(t testing.TB, c kubernetes.Interface, ns, name string) *batchv1.Job {
	t.Helper()
	var job *batchv1.Job
	eventually(t, "Job "+name+" exists", func() bool {
		var err error
		job, err = c.BatchV1().Jobs(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatalf("get Job: %v", err)
		}
		return err == nil
	})
	return job
}

// eventually polls cond every few milliseconds for at most 30 seconds.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timeout waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// status is the driver's Status of task id once its caches hold the task's
// Job and pods as the API server has them now: the tests write them (as
// the Job controller and the kubelet would) just before they look.
func (w *world) status(t testing.TB, id string) (*drivers.TaskStatus, error) {
	t.Helper()
	caughtUp(t, w.d, w.env.Client, w.ns, id)
	return w.d.Status(w.ctx, id)
}

// caughtUp waits until d's caches hold the Job id of ns and its pods at
// the API server's versions (or later); a driver with DirectReads reads the
// server anyway.
func caughtUp(t testing.TB, d *Driver, c kubernetes.Interface, ns, id string) {
	t.Helper()
	if d.watch == nil {
		return
	}
	ctx := context.Background()
	require.NoError(t, d.watch.w.Ready(ctx))
	want := map[string]string{}
	if job, err := c.BatchV1().Jobs(ns).Get(ctx, id, metav1.GetOptions{}); err == nil {
		want["job/"+job.Name] = job.ResourceVersion
	}
	pods, err := c.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: v1alpha1.LabelTaskID + "=" + id})
	require.NoError(t, err)
	for _, p := range pods.Items {
		want["pod/"+p.Name] = p.ResourceVersion
	}
	eventually(t, "the driver's caches catch up with task "+id, func() bool {
		have := map[string]string{}
		jobs, _ := d.watch.jobs.ByTask(id)
		for _, j := range jobs {
			have["job/"+j.Name] = j.ResourceVersion
		}
		pods, _ := d.watch.pods.ByTask(id)
		for _, p := range pods {
			have["pod/"+p.Name] = p.ResourceVersion
		}
		for k, rv := range want {
			if !atLeast(have[k], rv) {
				return false
			}
		}
		return true
	})
}

// atLeast compares two resourceVersions as the integers the API server
// issues.
func atLeast(have, want string) bool {
	h, err1 := strconv.ParseUint(have, 10, 64)
	w, err2 := strconv.ParseUint(want, 10, 64)
	return err1 == nil && err2 == nil && h >= w
}
