package realcontroller_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	dpv1alpha1 "github.com/dpsdk/dataprotection/client/clientset/versioned/typed/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// node is the shared kubelet's node: each pod runs as its task's
// behaviour says (by the pod's task label), by default a success with an
// empty result.
var node = &behaviours{m: map[string]testkubelet.NodeFunc{}}

type behaviours struct {
	mu sync.Mutex
	m  map[string]testkubelet.NodeFunc
}

func (b *behaviours) set(taskID string, f testkubelet.NodeFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[taskID] = f
}

// Run implements testkubelet.Node.
func (b *behaviours) Run(ctx context.Context, pod *corev1.Pod) (testkubelet.Termination, error) {
	b.mu.Lock()
	f := b.m[pod.Labels[v1alpha1.LabelTaskID]]
	b.mu.Unlock()
	if f == nil {
		return testkubelet.Termination{Message: `{"v":1,"exitCode":0}`}, nil
	}
	return f(ctx, pod)
}

var (
	setupOnce sync.Once
	setupErr  error
)

// setup installs the CRDs (the Jobs' owners are real Backups, which the
// garbage collector resolves) and starts the shared kubelet, once.
func setup(env *testenv.Env) error {
	setupOnce.Do(func() {
		ext, err := apiextensionsclient.NewForConfig(env.Config)
		if err == nil {
			err = crds.Install(context.Background(), ext.ApiextensionsV1(), nil)
		}
		if err == nil {
			_, err = testkubelet.StartKubelet(context.Background(), env.Client, node,
				testkubelet.KubeletOptions{LabelSelector: v1alpha1.LabelTaskID})
		}
		setupErr = err
	})
	return setupErr
}

// world is a test's namespace, with the real controllers and the shared
// kubelet running, and a Job driver.
type world struct {
	env *testenv.Env
	ns  string
	d   *job.Driver
}

func newWorld(t *testing.T, opts job.Options) *world {
	env := testenv.RequireControllers(t)
	require.NoError(t, setup(env))
	ns := env.NewNamespace(t)
	// The driver reads only its namespace: the task IDs are fixed, and an
	// earlier run's (-count) are still in the shared API server.
	opts.Namespace = ns
	d, err := job.New(env.Client, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return &world{env: env, ns: ns, d: d}
}

// task is a datafile backup task of owner in the world's namespace.
func (w *world) task(id string, owner drivers.ObjectRef) *drivers.Task {
	return &drivers.Task{
		ID: id, Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeDataFile, Owner: owner,
		Labels: map[string]string{v1alpha1.LabelBackupName: owner.Name},
		Image:  "registry.example/tool:1",
		Steps:  []drivers.Step{{Name: "backup", Commands: []string{`echo data > "$BACKUP_DIR/data"`}}},
		Env:    []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/" + w.ns + "/" + owner.Name}},
		Storage: &drivers.Storage{ClaimName: "backup-pvc", MountPath: "/backupdata", Path: w.ns + "/" + owner.Name,
			Create: &drivers.ClaimTemplate{Capacity: resource.MustParse("1Gi")}},
	}
}

// owner creates the Backup name, the owner of a task's Job.
func (w *world) owner(t *testing.T, name string) drivers.ObjectRef {
	cs, err := versioned.NewForConfig(w.env.Config)
	require.NoError(t, err)
	b, err := cs.DataprotectionV1alpha1().Backups(w.ns).Create(context.Background(), &v1alpha1.Backup{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.BackupSpec{BackupPolicyName: "p", BackupType: v1alpha1.BackupTypeDataFile}},
		metav1.CreateOptions{})
	require.NoError(t, err)
	return drivers.ObjectRef{Kind: "Backup", Namespace: w.ns, Name: name, UID: b.UID}
}

// waitStatus polls the driver until cond holds for the task's status (or
// its error), for at most two minutes.
func waitStatus(t *testing.T, d drivers.Driver, id string, what string, cond func(*drivers.TaskStatus, error) bool) (*drivers.TaskStatus, error) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st, err := d.Status(context.Background(), id)
		if cond(st, err) {
			return st, err
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s: timeout waiting until %s; last status %+v, error %v", id, what, st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func terminal(st *drivers.TaskStatus, err error) bool { return err == nil && st.Phase.IsTerminal() }

// backups is the Backups client of the world's namespace.
func backups(t *testing.T, w *world) backupsClient {
	cs, err := versioned.NewForConfig(w.env.Config)
	require.NoError(t, err)
	return cs.DataprotectionV1alpha1().Backups(w.ns)
}

type backupsClient = dpv1alpha1.BackupInterface
