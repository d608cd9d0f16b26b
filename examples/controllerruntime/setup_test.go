package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/memdriver"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/store/kube"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// A Backup and a RestoreJob complete through the manager, on the real API
// server: the controller routes the changes, the engine reads the
// manager's cache (the store's indexes are on the manager's informers),
// resolves the pod and checks the secret through the manager's client, and
// records events.k8s.io/v1 Events with the manager's recorder. The manager
// runs as the ServiceAccount of deploy/rbac, bound to exactly its rules,
// and elects a leader in its namespace. The driver is the in-memory one:
// what is tested is the wiring.
func TestBackupAndRestoreThroughTheManager(t *testing.T) {
	env := testenv.Require(t)
	ctx := t.Context()
	require.NoError(t, crds.Install(ctx, apiextensionsclient.NewForConfigOrDie(env.Config).ApiextensionsV1(), nil))
	ns := env.NewNamespace(t)
	scheme := runtime.NewScheme()
	require.NoError(t, clientgoscheme.AddToScheme(scheme))
	require.NoError(t, v1alpha1.AddToScheme(scheme))
	c, err := client.New(env.Config, client.Options{Scheme: scheme}) // the administrator's: the test's own objects
	require.NoError(t, err)
	saConfig := applyRBAC(t, env, c)

	mgr, err := NewManager(saConfig, manager.Options{Metrics: metricsserver.Options{BindAddress: "0"},
		LeaderElection: true, LeaderElectionNamespace: rbacNamespace, LeaderElectionID: "dataprotection"})
	require.NoError(t, err)
	driver := memdriver.New(nil)
	_, err = Setup(ctx, mgr, drivers.Registry{drivers.NameJob: driver})
	require.NoError(t, err)
	start(t, mgr)

	createTarget(t, c, ns)
	tool := "tool-" + ns // BackupTools are cluster-scoped
	for _, obj := range []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "db-credentials"},
			StringData: map[string]string{"username": "admin", "password": "s3cret"}},
		&v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: tool}, Spec: v1alpha1.BackupToolSpec{Image: "postgres:16",
			BackupCommands: []string{"pg_basebackup -D $BACKUP_DIR"},
			Physical:       v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{"cp -r $BACKUP_DIR/. $DATA_DIR"}}}},
		&v1alpha1.BackupPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "pg"}, Spec: v1alpha1.BackupPolicySpec{
			Datafile: &v1alpha1.CommonBackupPolicy{BackupToolName: tool,
				PersistentVolumeClaim: v1alpha1.PersistentVolumeClaim{Name: "backup-data"},
				BasePolicy: v1alpha1.BasePolicy{Target: v1alpha1.TargetCluster{LabelsSelector: appPG(),
					Secret: &v1alpha1.BackupPolicySecret{Name: "db-credentials"}}}}}},
		&v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "b1"},
			Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: v1alpha1.BackupTypeDataFile}},
	} {
		require.NoError(t, c.Create(ctx, obj), "create %T", obj)
	}
	t.Cleanup(func() {
		_ = c.Delete(context.Background(), &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: tool}})
	})

	var b v1alpha1.Backup
	eventually(t, func() bool {
		return mgr.GetAPIReader().Get(ctx, types.NamespacedName{Namespace: ns, Name: "b1"}, &b) == nil && b.Status.Phase.IsTerminal()
	}, "the backup finishes")
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	var p v1alpha1.BackupPolicy
	require.NoError(t, mgr.GetAPIReader().Get(ctx, types.NamespacedName{Namespace: ns, Name: "pg"}, &p))
	assert.Equal(t, v1alpha1.PolicyAvailable, p.Status.Phase, "the secret's keys were checked: %s", p.Status.FailureReason)

	require.NoError(t, c.Create(ctx, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "r1"},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: "b1", Target: v1alpha1.TargetCluster{LabelsSelector: appPG()},
			TargetVolumes: []corev1.Volume{}, TargetVolumeMounts: []corev1.VolumeMount{}}}))
	var r v1alpha1.RestoreJob
	eventually(t, func() bool {
		return mgr.GetAPIReader().Get(ctx, types.NamespacedName{Namespace: ns, Name: "r1"}, &r) == nil && r.Status.Phase.IsTerminal()
	}, "the restore finishes")
	require.Equal(t, v1alpha1.RestoreJobCompleted, r.Status.Phase, r.Status.FailureReason)
	assert.Contains(t, strings.Join(driver.Live(), " ")+" "+taskIDs(driver), "r1", "the restore ran on the driver")

	eventually(t, func() bool { return hasEvent(t, env, ns, "b1", "Completed") }, "an events.k8s.io/v1 Event on the backup")
	inf, err := mgr.GetCache().GetInformer(ctx, &v1alpha1.Backup{})
	require.NoError(t, err)
	indexers := inf.(kube.Informer).GetIndexer().GetIndexers()
	assert.Contains(t, strings.Join(keys(indexers), " "), v1alpha1.GroupName, "the store indexes the manager's informer")
}

// rbacNamespace is the namespace of deploy/rbac's ServiceAccount.
const rbacNamespace = "dataprotection-system"

// applyRBAC creates the objects of deploy/rbac/clusterrole.yaml and returns
// a configuration that authenticates as its ServiceAccount.
func applyRBAC(t *testing.T, env *testenv.Env, c client.Client) *rest.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rbac", "clusterrole.yaml"))
	require.NoError(t, err)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: rbacNamespace}}
	if err := c.Create(t.Context(), ns); !apierrors.IsAlreadyExists(err) {
		require.NoError(t, err)
	}
	decode := serializer.NewCodecFactory(clientgoscheme.Scheme).UniversalDeserializer().Decode
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		obj, _, err := decode(doc, nil, nil)
		require.NoError(t, err)
		if err := c.Create(t.Context(), obj.(client.Object)); !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err, "create %T", obj)
		}
	}
	cfg, err := env.ConfigFor("system:serviceaccount:"+rbacNamespace+":dataprotection",
		"system:serviceaccounts", "system:serviceaccounts:"+rbacNamespace)
	require.NoError(t, err)
	return cfg
}

func appPG() *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}}
}

// createTarget creates a Ready pod labelled app=pg (no kubelet runs: its
// status is written here).
func createTarget(t *testing.T, c client.Client, ns string) {
	t.Helper()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "pg-0", Labels: map[string]string{"app": "pg"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "postgres", Image: "postgres:16"}}}}
	require.NoError(t, c.Create(t.Context(), pod))
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: "10.0.0.5",
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}}
	require.NoError(t, c.Status().Update(t.Context(), pod))
}

// start runs mgr until the test ends.
func start(t *testing.T, mgr manager.Manager) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "the manager stops cleanly")
	})
}

func hasEvent(t *testing.T, env *testenv.Env, ns, name, reason string) bool {
	list, err := env.Client.EventsV1().Events(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	for _, e := range list.Items {
		if e.Regarding.Name == name && e.Reason == reason {
			return true
		}
	}
	return false
}

func taskIDs(d *memdriver.Driver) string {
	var ids []string
	for _, task := range d.Started() {
		ids = append(ids, task.Owner.Name)
	}
	return strings.Join(ids, " ")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, time.Minute, 20*time.Millisecond, msg)
}
