//go:build unix

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	snapshotv1 "github.com/kubernetes-csi/external-snapshotter/client/v6/apis/volumesnapshot/v1"
	snapshotclient "github.com/kubernetes-csi/external-snapshotter/client/v6/clientset/versioned"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	dataprotection "github.com/dpsdk/dataprotection"
	"github.com/dpsdk/dataprotection/client/clientset/versioned"
	"github.com/dpsdk/dataprotection/drivers/job"
	"github.com/dpsdk/dataprotection/internal/testenv"
	"github.com/dpsdk/dataprotection/internal/testkubelet"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
	"github.com/dpsdk/dataprotection/types/v1alpha1/crds"
)

func TestMain(m *testing.M) { os.Exit(testenv.RunMain(m)) }

// The target of the backups: a pod with labels, a claim and an IP.
const (
	podIP     = "10.0.0.7"
	dataClaim = "data-pg-0"
	// backupClaim is the policy's backup claim, which the Job driver
	// creates (createPolicy IfNotPresent).
	backupClaim = "backup-data"
)

// world is the test's cluster: the administrator's clients (which play the
// users, the kubelet and the snapshot controller) and the namespace.
type world struct {
	t    *testing.T
	ctx  context.Context
	env  *testenv.Env
	dp   versioned.Interface
	snap snapshotclient.Interface
	ns   string
	root string // the claims' directories of the played kubelet
}

// TestOperatorBacksUpUnderItsLeastPrivilegeRole runs the operator on the
// real API server as a ServiceAccount bound to nothing but the RBAC of
// deploy/rbac (the server's authorization mode is RBAC, so any permission
// the role lacks fails the test). It drives a datafile backup and its
// restore (Job driver, the test playing the kubelet) and a snapshot backup
// and its restore (CSI driver, the test playing the snapshot controller) to
// Completed, lets the RestoreJobs expire, then deletes both Backups until
// their data and the objects are gone.
func TestOperatorBacksUpUnderItsLeastPrivilegeRole(t *testing.T) {
	w := newWorld(t)
	identity := "operator-" + w.ns
	cfg := w.grantRole()
	t.Run("the identity holds only its role", func(t *testing.T) { w.checkForbidden(t, cfg) })

	w.createTarget()
	w.createPolicy()
	kubelet, err := testkubelet.Start(w.ctx, w.env.Client, w.ns, testkubelet.Local{Client: w.env.Client, Root: w.root},
		testkubelet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, kubelet.Stop(), "the played kubelet ran every Job") })
	log, errs := recordErrors(testr.New(t))
	stop := w.startOperator(cfg, identity, log)
	eventually(t, "the operator leads", func() bool { return w.leaseHolder() == identity })
	eventually(t, "the policy is Available", func() bool {
		p, err := w.dp.DataprotectionV1alpha1().BackupPolicies(w.ns).Get(w.ctx, "pg", metav1.GetOptions{})
		require.NoError(t, err)
		require.NotEqual(t, v1alpha1.PolicyFailed, p.Status.Phase, p.Status.FailureReason)
		return p.Status.Phase == v1alpha1.PolicyAvailable
	})

	t.Run("datafile backup, restore and deletion through Jobs", w.datafileBackup)
	t.Run("snapshot backup, restore and deletion through the CSI driver", w.snapshotBackup)

	stop()
	assert.Empty(t, w.leaseHolder(), "the operator released its lease when it stopped")
	assert.Empty(t, errs.list(), "the operator logged no errors: its role allowed every call it made")
}

func newWorld(t *testing.T) *world {
	env := testenv.Require(t)
	w := &world{t: t, ctx: context.Background(), env: env, root: t.TempDir()}
	var err error
	w.dp, err = versioned.NewForConfig(env.Config)
	require.NoError(t, err)
	w.snap, err = snapshotclient.NewForConfig(env.Config)
	require.NoError(t, err)
	ext, err := apiextensionsclient.NewForConfig(env.Config)
	require.NoError(t, err)
	require.NoError(t, crds.Install(w.ctx, ext.ApiextensionsV1(), nil))
	installSnapshotCRDs(t, ext, env.Client)
	w.ns = env.NewNamespace(t)
	return w
}

// installSnapshotCRDs installs the VolumeSnapshot CRDs that the CSI
// driver's tests keep (without them the operator runs without the
// snapshot driver; see newDrivers).
func installSnapshotCRDs(t *testing.T, ext apiextensionsclient.Interface, client kubernetes.Interface) {
	files, err := filepath.Glob(filepath.Join("..", "..", "drivers", "csi", "testdata", "crds", "*.yaml"))
	require.NoError(t, err)
	require.Len(t, files, 3)
	ctx := context.Background()
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		crd := &apiextensionsv1.CustomResourceDefinition{}
		require.NoError(t, yaml.UnmarshalStrict(data, crd), f)
		_, err = ext.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, crd, metav1.CreateOptions{})
		if !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err, f)
		}
	}
	eventually(t, "the VolumeSnapshot API is served", func() bool {
		served, err := servesVolumeSnapshots(client.Discovery())
		return err == nil && served
	})
}

// grantRole applies the manifest of deploy/rbac with its ServiceAccount in
// the test's namespace, and returns a config that authenticates as that
// ServiceAccount: a user no other RBAC rule grants anything to.
func (w *world) grantRole() *rest.Config {
	r, err := LoadRBAC(w.ns)
	require.NoError(w.t, err)
	require.NoError(w.t, r.Apply(w.ctx, w.env.Client))
	cfg, err := w.env.ConfigFor("system:serviceaccount:"+w.ns+":dataprotection",
		"system:serviceaccounts", "system:serviceaccounts:"+w.ns)
	require.NoError(w.t, err)
	return cfg
}

// checkForbidden shows that the role is not more than it should be.
func (w *world) checkForbidden(t *testing.T, cfg *rest.Config) {
	c, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	err = c.CoreV1().Namespaces().Delete(w.ctx, w.ns, metav1.DeleteOptions{})
	assert.True(t, apierrors.IsForbidden(err), "delete a namespace: %v", err)
	_, err = c.CoreV1().Secrets(w.ns).List(w.ctx, metav1.ListOptions{})
	assert.True(t, apierrors.IsForbidden(err), "list secrets (the role may only get one by name): %v", err)
	_, err = c.CoordinationV1().Leases(metav1.NamespaceDefault).Create(w.ctx, &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "dataprotection"}}, metav1.CreateOptions{})
	assert.True(t, apierrors.IsForbidden(err), "create a lease outside the operator's namespace: %v", err)
	_, err = w.dpFor(cfg).DataprotectionV1alpha1().BackupTools().Create(w.ctx, tool("forbidden"), metav1.CreateOptions{})
	assert.True(t, apierrors.IsForbidden(err), "create a BackupTool (the engine only reads them): %v", err)
}

func (w *world) dpFor(cfg *rest.Config) versioned.Interface {
	c, err := versioned.NewForConfig(cfg)
	require.NoError(w.t, err)
	return c
}

// createTarget creates the database's secret, claim and pod, and sets the
// pod's IP through the status subresource, as the kubelet would.
func (w *world) createTarget() {
	core := w.env.Client.CoreV1()
	_, err := core.Secrets(w.ns).Create(w.ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pg-credentials"},
		Data: map[string][]byte{"username": []byte("postgres"), "password": []byte("s3cret")}}, metav1.CreateOptions{})
	require.NoError(w.t, err)
	_, err = core.PersistentVolumeClaims(w.ns).Create(w.ctx, &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: dataClaim},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}},
	}, metav1.CreateOptions{})
	require.NoError(w.t, err)
	pod, err := core.Pods(w.ns).Create(w.ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "pg-0", Labels: map[string]string{"app": "pg", "role": "primary"}},
		Spec: corev1.PodSpec{
			NodeName: "node-a",
			Containers: []corev1.Container{{Name: "postgres", Image: "postgres:17",
				VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}}}},
			Volumes: []corev1.Volume{claimVolume("data", dataClaim)},
			Tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db",
				Effect: corev1.TaintEffectNoSchedule}},
		},
	}, metav1.CreateOptions{})
	require.NoError(w.t, err)
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: podIP, PodIPs: []corev1.PodIP{{IP: podIP}}}
	_, err = core.Pods(w.ns).UpdateStatus(w.ctx, pod, metav1.UpdateOptions{})
	require.NoError(w.t, err)
}

// tool is a BackupTool whose backup writes what it was given, the target's
// address and the secret's user, and whose restore copies that file to
// /restore.
func tool(name string) *v1alpha1.BackupTool {
	return &v1alpha1.BackupTool{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.BackupToolSpec{Image: "postgres:17",
			BackupCommands: []string{`printf 'host=%s user=%s\n' "$DB_HOST" "$DB_USER" > "$BACKUP_DIR/dump.sql"`},
			Physical:       v1alpha1.BackupToolRestoreCommand{RestoreCommands: []string{`cp "$BACKUP_DIR/dump.sql" /restore/`}},
		}}
}

// volumeTemplate is the PersistentVolume of the backup claim, as a
// persistentVolumeConfigMap holds it.
const volumeTemplate = `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $(GENERATE_NAME)
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteMany]
  nfs: {server: nfs.example, path: /backups}
`

// createPolicy creates the BackupTool and a policy over the pods labelled
// app=pg with a datafile section, whose backup claim is made from a
// PersistentVolume template, and a snapshot section.
func (w *world) createPolicy() {
	api := w.dp.DataprotectionV1alpha1()
	_, err := api.BackupTools().Create(w.ctx, tool("pg-dump-"+w.ns), metav1.CreateOptions{})
	require.NoError(w.t, err)
	_, err = w.env.Client.CoreV1().ConfigMaps(w.ns).Create(w.ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "backup-volume"},
		Data:       map[string]string{job.PersistentVolumeTemplateKey: volumeTemplate}}, metav1.CreateOptions{})
	require.NoError(w.t, err)
	w.t.Cleanup(func() { // cluster-scoped: it outlives the namespace
		_ = w.env.Client.CoreV1().PersistentVolumes().Delete(context.Background(), backupClaim+"-"+w.ns, metav1.DeleteOptions{})
	})
	claim := v1alpha1.PersistentVolumeClaim{
		Name:                      backupClaim,
		InitCapacity:              ptr.To(resource.MustParse("5Gi")),
		PersistentVolumeConfigMap: &v1alpha1.PersistentVolumeConfigMap{Namespace: w.ns, Name: "backup-volume"},
	}
	_, err = api.BackupPolicies(w.ns).Create(w.ctx, &v1alpha1.BackupPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "pg"},
		Spec: v1alpha1.BackupPolicySpec{
			Datafile: &v1alpha1.CommonBackupPolicy{
				BasePolicy:            v1alpha1.BasePolicy{Target: w.target()},
				BackupToolName:        "pg-dump-" + w.ns,
				PersistentVolumeClaim: claim,
			},
			Snapshot: &v1alpha1.SnapshotPolicy{BasePolicy: v1alpha1.BasePolicy{Target: w.target()}},
		},
	}, metav1.CreateOptions{})
	require.NoError(w.t, err)
}

// startOperator runs the operator as cfg's identity; the returned function
// (also called when the test ends) stops it and checks that Run returned
// nil.
func (w *world) startOperator(cfg *rest.Config, identity string, log logr.Logger) func() {
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cfg, Options{
			LeaseNamespace: w.ns, Identity: identity,
			// A slow renewal under load must not end the leadership; the
			// lease is released on stop, so a handover is quick all the same.
			LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 200 * time.Millisecond,
			Engine: dataprotection.Options{PollInterval: 100 * time.Millisecond, RetryDelay: 100 * time.Millisecond,
				RestoreJobTTL: time.Second},
			Logger: log,
		})
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			assert.NoError(w.t, err, "Run returns nil when its context ends")
		case <-time.After(30 * time.Second):
			w.t.Error("Run did not return within 30s of its context's end")
		}
	}
	w.t.Cleanup(stop)
	return stop
}

// datafileBackup backs up the pod through a Job that the test plays,
// restores the backup through another, then deletes the Backup through a
// delete Job.
func (w *world) datafileBackup(t *testing.T) {
	backups := w.dp.DataprotectionV1alpha1().Backups(w.ns)
	_, err := backups.Create(w.ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "b1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: v1alpha1.BackupTypeDataFile}}, metav1.CreateOptions{})
	require.NoError(t, err)
	b := w.waitFinished(t, "b1")
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)

	dump := filepath.Join(w.root, backupClaim, w.ns, "b1", "dump.sql")
	data, err := os.ReadFile(dump)
	require.NoError(t, err)
	assert.Equal(t, "host="+podIP+" user=postgres\n", string(data), "DB_HOST is the pod's IP, DB_USER the secret's")
	sum := sha256.Sum256(data)
	assert.Equal(t, strconv.Itoa(len(data)), b.Status.TotalSize, "bytes")
	require.NotNil(t, b.Status.Manifests)
	require.NotNil(t, b.Status.Manifests.BackupTool)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), b.Status.Manifests.BackupTool.CheckSum)
	assert.Equal(t, backupClaim, b.Status.PersistentVolumeClaimName)

	claim, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, backupClaim, metav1.GetOptions{})
	require.NoError(t, err, "the Job driver created the backup claim")
	assert.Equal(t, "true", claim.Annotations[v1alpha1.AnnotationCreatedByPolicy])
	assert.Equal(t, backupClaim+"-"+w.ns, claim.Spec.VolumeName, "the claim is bound to the volume of the template")
	pv, err := w.env.Client.CoreV1().PersistentVolumes().Get(w.ctx, claim.Spec.VolumeName, metav1.GetOptions{})
	require.NoError(t, err, "the Job driver created the volume from the template")
	assert.Equal(t, "/backups", pv.Spec.NFS.Path)
	jobs := w.jobs(t, v1alpha1.LabelBackupName, "b1")
	require.Len(t, jobs, 1)
	require.Len(t, jobs[0].OwnerReferences, 1)
	assert.Equal(t, "b1", jobs[0].OwnerReferences[0].Name, "the Backup controls its Job")
	eventually(t, "a Completed event is recorded on the Backup", func() bool { return w.hasEvent(t, "b1", "Completed") })
	eventually(t, "the policy records the successful backup", func() bool {
		p, err := w.dp.DataprotectionV1alpha1().BackupPolicies(w.ns).Get(w.ctx, "pg", metav1.GetOptions{})
		require.NoError(t, err)
		return p.Status.LastSuccessfulTime != nil && !p.Status.LastSuccessfulTime.Before(b.Status.CompletionTimestamp)
	})

	w.restore(t, "b1", data)

	require.NoError(t, backups.Delete(w.ctx, "b1", metav1.DeleteOptions{}))
	w.waitGone(t, "b1")
	assert.NoDirExists(t, filepath.Dir(dump), "the delete Job removed the backup's directory")
	// The delete Job is cleaned up just after the finalizer is removed (a
	// crash in between must not run it again), so it may outlive the Backup
	// briefly.
	eventually(t, "the backup's and the delete's Jobs are cleaned up", func() bool {
		return len(w.jobs(t, v1alpha1.LabelBackupName, "b1")) == 0
	})
}

// restore restores the Backup into a volume of the RestoreJob, which the
// played kubelet maps to a directory, and checks the restored file.
func (w *world) restore(t *testing.T, backup string, want []byte) {
	w.runRestore(t, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Name: "r1"},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: backup, Target: w.target(),
			TargetVolumes:      []corev1.Volume{claimVolume("restore", "restore-pg-0")},
			TargetVolumeMounts: []corev1.VolumeMount{{Name: "restore", MountPath: "/restore"}},
		}})
	got, err := os.ReadFile(filepath.Join(w.root, "restore-pg-0", "dump.sql"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "the restore copied the backup's file")
	assert.Empty(t, w.jobs(t, v1alpha1.LabelRestoreJobName, "r1"), "the expired RestoreJob's Job was cleaned up")
}

// runRestore creates the RestoreJob and waits until it has completed,
// expired and been deleted: the engine deletes a finished RestoreJob after
// Options.RestoreJobTTL (short here). Its events tell how it ended.
func (w *world) runRestore(t *testing.T, r *v1alpha1.RestoreJob) {
	restores := w.dp.DataprotectionV1alpha1().RestoreJobs(w.ns)
	_, err := restores.Create(w.ctx, r, metav1.CreateOptions{})
	require.NoError(t, err)
	eventually(t, "RestoreJob "+r.Name+" has finished and expired", func() bool {
		cur, err := restores.Get(w.ctx, r.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true
		}
		require.NoError(t, err)
		require.NotEqual(t, v1alpha1.RestoreJobFailed, cur.Status.Phase, cur.Status.FailureReason)
		return false
	})
	eventually(t, "RestoreJob "+r.Name+" has a Completed event", func() bool {
		return w.hasEvent(t, r.Name, string(v1alpha1.RestoreJobCompleted))
	})
}

func (w *world) target() v1alpha1.TargetCluster {
	return v1alpha1.TargetCluster{LabelsSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pg"}},
		Secret: &v1alpha1.BackupPolicySecret{Name: "pg-credentials"}}
}

func claimVolume(name, claim string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim}}}
}

// snapshotBackup backs up the pod's claim as a VolumeSnapshot, which the
// test makes ready, restores it as a new claim, then deletes the Backup and
// its snapshot.
func (w *world) snapshotBackup(t *testing.T) {
	backups := w.dp.DataprotectionV1alpha1().Backups(w.ns)
	_, err := backups.Create(w.ctx, &v1alpha1.Backup{ObjectMeta: metav1.ObjectMeta{Name: "s1"},
		Spec: v1alpha1.BackupSpec{BackupPolicyName: "pg", BackupType: v1alpha1.BackupTypeSnapshot}}, metav1.CreateOptions{})
	require.NoError(t, err)
	snapshots := w.snap.SnapshotV1().VolumeSnapshots(w.ns)
	var vs *snapshotv1.VolumeSnapshot
	eventually(t, "the VolumeSnapshot exists", func() bool {
		vs, err = snapshots.Get(w.ctx, "s1", metav1.GetOptions{})
		return err == nil
	})
	require.Equal(t, dataClaim, ptr.Deref(vs.Spec.Source.PersistentVolumeClaimName, ""))
	content := w.playSnapshotReady(t, vs, "1Gi")

	b := w.waitFinished(t, "s1")
	require.Equal(t, v1alpha1.BackupCompleted, b.Status.Phase, b.Status.FailureReason)
	assert.Equal(t, "1073741824", b.Status.TotalSize, "bytes")
	require.NotNil(t, b.Status.Manifests)
	require.NotNil(t, b.Status.Manifests.BackupSnapshot)
	assert.Equal(t, content, b.Status.Manifests.BackupSnapshot.VolumeSnapshotContentName)

	w.runRestore(t, &v1alpha1.RestoreJob{ObjectMeta: metav1.ObjectMeta{Name: "r2"},
		Spec: v1alpha1.RestoreJobSpec{BackupJobName: "s1", Target: w.target(),
			TargetVolumes:      []corev1.Volume{claimVolume("restored", "restored-pg-0")},
			TargetVolumeMounts: []corev1.VolumeMount{{Name: "restored", MountPath: "/var/lib/postgresql/data"}}}})
	restored, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "restored-pg-0", metav1.GetOptions{})
	require.NoError(t, err, "the restore made a claim from the snapshot")
	require.NotNil(t, restored.Spec.DataSource)
	assert.Equal(t, "s1", restored.Spec.DataSource.Name)
	assert.Empty(t, restored.Labels[v1alpha1.LabelTaskID], "the expired RestoreJob's cleanup unlabelled the claim")

	require.NoError(t, backups.Delete(w.ctx, "s1", metav1.DeleteOptions{}))
	w.waitGone(t, "s1")
	_, err = snapshots.Get(w.ctx, "s1", metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "deleting the Backup deleted its VolumeSnapshot: %v", err)
}

// playSnapshotReady plays the snapshot controller: it binds the snapshot
// to a new VolumeSnapshotContent and makes both ready. It returns the
// content's name.
func (w *world) playSnapshotReady(t *testing.T, vs *snapshotv1.VolumeSnapshot, size string) string {
	q := resource.MustParse(size)
	contents := w.snap.SnapshotV1().VolumeSnapshotContents()
	content, err := contents.Create(w.ctx, &snapshotv1.VolumeSnapshotContent{
		ObjectMeta: metav1.ObjectMeta{Name: "snapcontent-" + string(vs.UID)},
		Spec: snapshotv1.VolumeSnapshotContentSpec{
			VolumeSnapshotRef: corev1.ObjectReference{Kind: "VolumeSnapshot", APIVersion: "snapshot.storage.k8s.io/v1",
				Namespace: vs.Namespace, Name: vs.Name, UID: vs.UID},
			DeletionPolicy: snapshotv1.VolumeSnapshotContentDelete,
			Driver:         "hostpath.csi.k8s.io",
			Source:         snapshotv1.VolumeSnapshotContentSource{VolumeHandle: ptr.To("vol-" + dataClaim)},
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = contents.Delete(context.Background(), content.Name, metav1.DeleteOptions{}) })
	content.Status = &snapshotv1.VolumeSnapshotContentStatus{SnapshotHandle: ptr.To("snap-" + string(vs.UID)),
		ReadyToUse: ptr.To(true), RestoreSize: ptr.To(q.Value()), CreationTime: ptr.To(time.Now().UnixNano())}
	_, err = contents.UpdateStatus(w.ctx, content, metav1.UpdateOptions{})
	require.NoError(t, err)
	now := metav1.Now()
	vs.Status = &snapshotv1.VolumeSnapshotStatus{BoundVolumeSnapshotContentName: &content.Name,
		ReadyToUse: ptr.To(true), RestoreSize: &q, CreationTime: &now}
	_, err = w.snap.SnapshotV1().VolumeSnapshots(w.ns).UpdateStatus(w.ctx, vs, metav1.UpdateOptions{})
	require.NoError(t, err)
	return content.Name
}

// waitFinished waits until the Backup is Completed or Failed.
func (w *world) waitFinished(t *testing.T, name string) *v1alpha1.Backup {
	var b *v1alpha1.Backup
	eventually(t, "Backup "+name+" is finished", func() bool {
		var err error
		b, err = w.dp.DataprotectionV1alpha1().Backups(w.ns).Get(w.ctx, name, metav1.GetOptions{})
		require.NoError(t, err)
		return b.Status.Phase.IsTerminal()
	})
	return b
}

// waitGone waits until the Backup no longer exists.
func (w *world) waitGone(t *testing.T, name string) {
	eventually(t, "Backup "+name+" is gone", func() bool {
		_, err := w.dp.DataprotectionV1alpha1().Backups(w.ns).Get(w.ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			require.NoError(t, err)
		}
		return apierrors.IsNotFound(err)
	})
}

// jobs lists the Jobs that carry the label key=value.
func (w *world) jobs(t *testing.T, key, value string) []batchv1.Job {
	list, err := w.env.Client.BatchV1().Jobs(w.ns).List(w.ctx, metav1.ListOptions{
		LabelSelector: labels.Set{key: value}.String()})
	require.NoError(t, err)
	return list.Items
}

// hasEvent reports whether an event with reason was recorded on the
// object of that name.
func (w *world) hasEvent(t *testing.T, name, reason string) bool {
	list, err := w.env.Client.CoreV1().Events(w.ns).List(w.ctx, metav1.ListOptions{
		FieldSelector: fields.Set{"involvedObject.name": name, "reason": reason}.String()})
	require.NoError(t, err)
	return len(list.Items) > 0
}

func (w *world) leaseHolder() string {
	l, err := w.env.Client.CoordinationV1().Leases(w.ns).Get(w.ctx, "dataprotection", metav1.GetOptions{})
	if err != nil {
		return ""
	}
	return ptr.Deref(l.Spec.HolderIdentity, "")
}

// eventually polls cond every 20ms until it holds, for at most 60 seconds.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		<-tick.C
	}
}
