package csi_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	snapshotclient "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/drivers/csi"
	"github.com/dpsdk/dataprotection/internal/testenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// fixture is one test's namespace in the shared control plane, with the
// VolumeSnapshot CRDs installed. The test plays the snapshot controller
// (no CSI driver runs): it binds snapshots to contents and writes their
// status.
type fixture struct {
	t    *testing.T
	kube kubernetes.Interface
	snap snapshotclient.Interface
	ns   string
}

var crdOnce struct {
	sync.Once
	err error
}

func setup(t *testing.T) *fixture {
	t.Helper()
	env, snap := requireSnapshots(t)
	return &fixture{t: t, kube: env.Client, snap: snap, ns: env.NewNamespace(t)}
}

// requireSnapshots returns the package's control plane, with the
// VolumeSnapshot CRDs installed, and a snapshot client.
func requireSnapshots(t testing.TB) (*testenv.Env, snapshotclient.Interface) {
	t.Helper()
	env := testenv.Require(t)
	crdOnce.Do(func() { crdOnce.err = installCRDs(env) })
	require.NoError(t, crdOnce.err)
	snap, err := snapshotclient.NewForConfig(env.Config)
	require.NoError(t, err)
	return env, snap
}

// installCRDs creates the CRDs of testdata/crds and waits until they are
// served.
func installCRDs(env *testenv.Env) error {
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join("testdata", "crds", "*.yaml"))
	if err != nil || len(files) != 3 {
		return fmt.Errorf("testdata/crds: want 3 CRDs, found %d (%v)", len(files), err)
	}
	ctx := context.Background()
	crds := ext.ApiextensionsV1().CustomResourceDefinitions()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if _, err := crds.Create(ctx, crd, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("%s: %w", f, err)
		}
		err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := crds.Get(ctx, crd.Name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range got.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("%s: wait until established: %w", crd.Name, err)
		}
	}
	return nil
}

// owner is a Backup (or RestoreJob) of the fixture's namespace.
func (f *fixture) owner(kind, name string) drivers.ObjectRef {
	return drivers.ObjectRef{Kind: kind, Namespace: f.ns, Name: name, UID: uuid.NewUUID()}
}

// id makes a task ID unique to the test: the drivers find a task they do not
// know in memory by its ID in every namespace.
func (f *fixture) id(name string) string { return name + "-" + f.ns[len(f.ns)-5:] }

// backupTask is a snapshot backup task of owner for claims.
func (f *fixture) backupTask(id string, owner drivers.ObjectRef, claims ...string) *drivers.Task {
	return &drivers.Task{
		ID: f.id(id), Kind: drivers.KindBackup, BackupType: v1alpha1.BackupTypeSnapshot, Owner: owner,
		Labels:   map[string]string{v1alpha1.LabelBackupName: owner.Name, v1alpha1.LabelBackupType: "snapshot"},
		Target:   drivers.Target{Name: "pg-0", Namespace: f.ns, Containers: []string{"postgres"}},
		Snapshot: &drivers.SnapshotSpec{Name: owner.Name, Claims: claims},
	}
}

// claim creates a PersistentVolumeClaim, as the database's claims are.
func (f *fixture) claim(name, size string, class *string, mode corev1.PersistentVolumeMode, access ...corev1.PersistentVolumeAccessMode) *corev1.PersistentVolumeClaim {
	f.t.Helper()
	if len(access) == 0 {
		access = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: f.ns},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      access,
			StorageClassName: class,
			VolumeMode:       &mode,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}},
		},
	}
	out, err := f.kube.CoreV1().PersistentVolumeClaims(f.ns).Create(context.Background(), pvc, metav1.CreateOptions{})
	require.NoError(f.t, err)
	return out
}

// claims creates 1Gi claims of the default class.
func (f *fixture) claims(names ...string) {
	f.t.Helper()
	for _, n := range names {
		f.claim(n, "1Gi", nil, corev1.PersistentVolumeFilesystem)
	}
}

// ready plays the snapshot controller for a snapshot that was cut (see
// playReady) and returns the bound content's name.
func (f *fixture) ready(name, size string) string {
	f.t.Helper()
	content, err := playReady(context.Background(), f.snap, f.ns, name, size)
	require.NoError(f.t, err)
	f.t.Cleanup(func() {
		_ = f.snap.SnapshotV1().VolumeSnapshotContents().Delete(context.Background(), content, metav1.DeleteOptions{})
	})
	return content
}

// fail plays the snapshot controller reporting an error on a snapshot.
func (f *fixture) fail(name, msg string) {
	f.t.Helper()
	require.NoError(f.t, playError(context.Background(), f.snap, f.ns, name, msg))
}

func (f *fixture) getSnapshot(name string) *snapshotv1.VolumeSnapshot {
	f.t.Helper()
	vs, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).Get(context.Background(), name, metav1.GetOptions{})
	require.NoError(f.t, err)
	return vs
}

func (f *fixture) snapshotNames() []string {
	f.t.Helper()
	list, err := f.snap.SnapshotV1().VolumeSnapshots(f.ns).List(context.Background(), metav1.ListOptions{})
	require.NoError(f.t, err)
	names := []string{}
	for _, vs := range list.Items {
		names = append(names, vs.Name)
	}
	return names
}

// playReady plays the snapshot controller for a snapshot that was cut: it
// creates the bound VolumeSnapshotContent (cluster-scoped, named after the
// snapshot's UID as the controller names it) and sets the snapshot's status:
// readyToUse, restoreSize, boundVolumeSnapshotContentName, creationTime. It
// returns the content's name.
func playReady(ctx context.Context, snap snapshotclient.Interface, ns, name, size string) (string, error) {
	vs, err := snap.SnapshotV1().VolumeSnapshots(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	q := resource.MustParse(size)
	content := &snapshotv1.VolumeSnapshotContent{
		ObjectMeta: metav1.ObjectMeta{Name: "snapcontent-" + string(vs.UID)},
		Spec: snapshotv1.VolumeSnapshotContentSpec{
			VolumeSnapshotRef: corev1.ObjectReference{Kind: "VolumeSnapshot", APIVersion: "snapshot.storage.k8s.io/v1",
				Namespace: vs.Namespace, Name: vs.Name, UID: vs.UID},
			DeletionPolicy:          snapshotv1.VolumeSnapshotContentDelete,
			Driver:                  "hostpath.csi.k8s.io",
			VolumeSnapshotClassName: vs.Spec.VolumeSnapshotClassName,
			Source:                  snapshotv1.VolumeSnapshotContentSource{VolumeHandle: ptr.To("vol-" + *vs.Spec.Source.PersistentVolumeClaimName)},
			SourceVolumeMode:        ptr.To(corev1.PersistentVolumeFilesystem),
		},
	}
	contents := snap.SnapshotV1().VolumeSnapshotContents()
	created, err := contents.Create(ctx, content, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		created, err = contents.Get(ctx, content.Name, metav1.GetOptions{})
	}
	if err != nil {
		return "", err
	}
	created.Status = &snapshotv1.VolumeSnapshotContentStatus{SnapshotHandle: ptr.To("snap-" + string(vs.UID)),
		ReadyToUse: ptr.To(true), RestoreSize: ptr.To(q.Value()), CreationTime: ptr.To(time.Now().UnixNano())}
	if _, err := contents.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return "", err
	}
	now := metav1.Now()
	vs.Status = &snapshotv1.VolumeSnapshotStatus{BoundVolumeSnapshotContentName: &created.Name,
		ReadyToUse: ptr.To(true), RestoreSize: &q, CreationTime: &now}
	_, err = snap.SnapshotV1().VolumeSnapshots(ns).UpdateStatus(ctx, vs, metav1.UpdateOptions{})
	return created.Name, err
}

// playError plays the snapshot controller reporting an error on a snapshot.
func playError(ctx context.Context, snap snapshotclient.Interface, ns, name, msg string) error {
	vs, err := snap.SnapshotV1().VolumeSnapshots(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	now := metav1.Now()
	vs.Status = &snapshotv1.VolumeSnapshotStatus{ReadyToUse: ptr.To(false), Error: &snapshotv1.VolumeSnapshotError{Time: &now, Message: &msg}}
	_, err = snap.SnapshotV1().VolumeSnapshots(ns).UpdateStatus(ctx, vs, metav1.UpdateOptions{})
	return err
}

// status polls the driver until the task reports want, and returns that
// status; it fails the test after a minute (the change comes through the
// API server and the driver's informers, on a machine that may be loaded).
func status(t *testing.T, d drivers.Driver, id string, want drivers.Phase) *drivers.TaskStatus {
	t.Helper()
	var st *drivers.TaskStatus
	var err error
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = wait.PollUntilContextCancel(ctx, 10*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		st, err = d.Status(ctx, id)
		return err == nil && st.Phase == want, nil
	})
	require.NoError(t, err, "status of task %s", id)
	require.Equal(t, want, st.Phase, "task %s: %+v", id, st)
	return st
}

// notFound polls the driver until the task is NotFound (its informers see
// a change the test made); it fails the test after a minute.
func notFound(t *testing.T, d drivers.Driver, id string, msg string) {
	t.Helper()
	var err error
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = wait.PollUntilContextCancel(ctx, 10*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err = d.Status(ctx, id)
		return drivers.IsNotFound(err), nil
	})
	requireCode(t, drivers.NotFound, err, msg)
}

// requireCode fails the test unless err has the driver code want.
func requireCode(t *testing.T, want drivers.Code, err error, msg ...any) {
	t.Helper()
	require.Error(t, err, msg...)
	require.Equal(t, want.String(), drivers.ErrorCode(err).String(), "error: %v %v", err, msg)
}

func newDriver(f *fixture, opts csi.Options) *csi.Driver {
	d, err := csi.New(f.kube, f.snap, opts)
	if err != nil {
		panic(err) // the fixture's clients are never nil
	}
	return d
}
