package job

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

func TestStartCreatesAMissingClaimIfNotPresent(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("main"))
	require.NoError(t, w.d.Start(w.ctx, task))
	claim, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}, claim.Spec.AccessModes)
	assert.Equal(t, ptr.To("nfs"), claim.Spec.StorageClassName)
	assert.Equal(t, resource.MustParse("20Gi"), claim.Spec.Resources.Requests[corev1.ResourceStorage])
	assert.Equal(t, "true", claim.Annotations[v1alpha1.AnnotationCreatedByPolicy])
	assert.Empty(t, claim.OwnerReferences, "the claim outlives the backup: every backup of the policy shares it")

	second := backupTask(w.ns, w.id("second"))
	second.Storage.Create.Capacity = resource.MustParse("1Ti")
	require.NoError(t, w.d.Start(w.ctx, second), "an existing claim is used as it is")
	claim, err = w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, resource.MustParse("20Gi"), claim.Spec.Resources.Requests[corev1.ResourceStorage])
}

func TestStartWithoutAClaimAndCreatePolicyNeverFails(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("main"))
	task.Storage.Create = nil
	err := w.d.Start(w.ctx, task)
	requireCode(t, drivers.FailedPrecondition, err)
	assert.Contains(t, err.Error(), "backup-pvc", "the error names the claim")
	assert.Empty(t, jobsOf(t, w, task.ID), "no Job without its claim")

	createClaim(t, w, "backup-pvc")
	require.NoError(t, w.d.Start(w.ctx, task), "with the claim there, the task starts")
}

func TestStartOfARestoreNeedsTheClaim(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("phy"))
	task.Kind = drivers.KindRestore
	requireCode(t, drivers.FailedPrecondition, w.d.Start(w.ctx, task))
	_, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	assert.Error(t, err, "a restore never creates the claim it reads")
}

const pvTemplate = `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ignored
  labels:
    made-for: $(GENERATE_NAME)
spec:
  capacity:
    storage: 50Gi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  csi:
    driver: csi.example.com
    volumeHandle: $(GENERATE_NAME)
`

func TestStartCreatesTheClaimFromAPersistentVolumeTemplate(t *testing.T) {
	w := newWorld(t, Options{})
	createTemplate(t, w)
	task := templateTask(w)
	require.NoError(t, w.d.Start(w.ctx, task))

	gen := "backup-pvc-" + w.ns
	pv, err := w.env.Client.CoreV1().PersistentVolumes().Get(w.ctx, gen, metav1.GetOptions{})
	require.NoError(t, err, "the volume is named $(GENERATE_NAME)")
	t.Cleanup(func() { _ = w.env.Client.CoreV1().PersistentVolumes().Delete(w.ctx, gen, metav1.DeleteOptions{}) })
	assert.Equal(t, gen, pv.Spec.CSI.VolumeHandle, "$(GENERATE_NAME) is replaced everywhere")
	assert.Equal(t, gen, pv.Labels["made-for"])
	assert.Equal(t, resource.MustParse("50Gi"), pv.Spec.Capacity[corev1.ResourceStorage])
	require.NotNil(t, pv.Spec.ClaimRef)
	assert.Equal(t, w.ns, pv.Spec.ClaimRef.Namespace)
	assert.Equal(t, "backup-pvc", pv.Spec.ClaimRef.Name)
	assert.Equal(t, "true", pv.Annotations[v1alpha1.AnnotationCreatedByPolicy])

	claim, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, gen, claim.Spec.VolumeName, "the claim is bound to the volume")
	assert.Equal(t, ptr.To(""), claim.Spec.StorageClassName, "statically")
	assert.Equal(t, "true", claim.Annotations[v1alpha1.AnnotationCreatedByPolicy])

}

func TestPersistentVolumeAlreadyBoundToTheClaimIsReused(t *testing.T) {
	w := newWorld(t, Options{})
	gen := "backup-pvc-" + w.ns
	createVolume(t, w, gen, &corev1.ObjectReference{Namespace: w.ns, Name: "backup-pvc"})
	createTemplate(t, w)
	task := templateTask(w)
	require.NoError(t, w.d.Start(w.ctx, task), "a crash after the volume was created does not block the retry")
	claim, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, gen, claim.Spec.VolumeName)
}

func createVolume(t *testing.T, w *world, name string, ref *corev1.ObjectReference) {
	_, err := w.env.Client.CoreV1().PersistentVolumes().Create(w.ctx, &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeSpec{Capacity: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:            []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/x"}},
			ClaimRef:               ref},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.env.Client.CoreV1().PersistentVolumes().Delete(w.ctx, name, metav1.DeleteOptions{}) })
}

func createTemplate(t *testing.T, w *world) {
	_, err := w.env.Client.CoreV1().ConfigMaps(w.ns).Create(w.ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "pv-template"}, Data: map[string]string{"persistentVolume": pvTemplate}}, metav1.CreateOptions{})
	require.NoError(t, err)
}

// templateTask is a backup whose claim is made from the template.
func templateTask(w *world) *drivers.Task {
	task := backupTask(w.ns, w.id("main"))
	task.Storage.Create.StorageClassName = nil
	task.Storage.Create.PersistentVolumeTemplate = &drivers.ConfigMapRef{Namespace: w.ns, Name: "pv-template"}
	return task
}

func TestStorageClassWinsOverAPersistentVolumeTemplate(t *testing.T) {
	w := newWorld(t, Options{})
	task := templateTask(w) // no config map: it is not read
	task.Storage.Create.StorageClassName = ptr.To("fast")
	require.NoError(t, w.d.Start(w.ctx, task))
	claim, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Get(w.ctx, "backup-pvc", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, ptr.To("fast"), claim.Spec.StorageClassName)
	assert.Empty(t, claim.Spec.VolumeName)
}

func TestPersistentVolumeTemplateErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		data map[string]string
		code drivers.Code
	}{
		"no config map":       {nil, drivers.FailedPrecondition},
		"no key":              {map[string]string{"other": "x"}, drivers.FailedPrecondition},
		"not a volume":        {map[string]string{"persistentVolume": "kind: ConfigMap\napiVersion: v1\n"}, drivers.FailedPrecondition},
		"unknown field":       {map[string]string{"persistentVolume": "spec:\n  capacityy: {}\n"}, drivers.FailedPrecondition},
		"invalid for the API": {map[string]string{"persistentVolume": "spec:\n  accessModes: [ReadWriteMany]\n"}, drivers.InvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, Options{})
			if tc.data != nil {
				_, err := w.env.Client.CoreV1().ConfigMaps(w.ns).Create(w.ctx, &corev1.ConfigMap{
					ObjectMeta: metav1.ObjectMeta{Name: "pv-template"}, Data: tc.data}, metav1.CreateOptions{})
				require.NoError(t, err)
			}
			task := templateTask(w)
			requireCode(t, tc.code, w.d.Start(w.ctx, task))
			assert.Empty(t, jobsOf(t, w, task.ID))
		})
	}
}

func TestPersistentVolumeOfAnotherClaimIsNotTaken(t *testing.T) {
	w := newWorld(t, Options{})
	createVolume(t, w, "backup-pvc-"+w.ns, &corev1.ObjectReference{Namespace: "elsewhere", Name: "theirs"})
	createTemplate(t, w)
	task := templateTask(w)
	requireCode(t, drivers.AlreadyExists, w.d.Start(w.ctx, task))
	assert.Empty(t, jobsOf(t, w, task.ID))
}

func TestDeleteJobWhenTheClaimIsGone(t *testing.T) {
	w := newWorld(t, Options{})
	task := &drivers.Task{ID: w.id("delete"), Kind: drivers.KindDeleteArtifacts, BackupType: "datafile",
		Owner:   drivers.ObjectRef{Kind: "Backup", Namespace: w.ns, Name: "b1", UID: "uid-b1"},
		Storage: &drivers.Storage{ClaimName: "gone", MountPath: "/backupdata", Path: w.ns + "/b1"}}
	require.NoError(t, w.d.Start(w.ctx, task))
	job := waitForJob(t, w.env.Client, w.ns, task.ID)
	pod := job.Spec.Template.Spec
	assert.Empty(t, pod.Volumes, "nothing to mount")
	assert.Contains(t, pod.Containers[0].Args[2], "nothing to delete")
	assert.NotContains(t, pod.Containers[0].Args[2], "rm -rf --")
}
