package job

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/podexec/podexectest"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2026, 11, 25, 1, 30, 0, 0, time.UTC)

// TestJobSpecGolden pins the whole Job of a backup task: any change to what
// the driver creates shows up as a diff of testdata/backup-job.yaml
// (go test -run Golden -update rewrites it).
func TestJobSpecGolden(t *testing.T) {
	d := mustNew(t, nil, Options{Clock: fixedClock{t0}, ServiceAccountName: "dp-tools",
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}, TTL: ptr.To(10 * time.Minute)})
	task := backupTask("demo", "b1-2a5f1c3e-0-main")
	task.Deadline = t0.Add(90 * time.Minute)
	task.Steps[0].Env = []corev1.EnvVar{{Name: "LEVEL", Value: "full"}}
	got, err := yaml.Marshal(d.buildJob(task, jobPlan{namespace: "demo", now: t0}))
	require.NoError(t, err)
	golden := filepath.Join("testdata", "backup-job.yaml")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -run Golden -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestStartCreatesTheBackupJob(t *testing.T) {
	w := newWorld(t, Options{Clock: fixedClock{t0}})
	task := backupTask(w.ns, w.id("main"))
	task.Deadline = t0.Add(90 * time.Second)
	task.Steps = append(task.Steps, drivers.Step{Name: "verify", Commands: []string{"ls -l \"$BACKUP_DIR\""},
		Env: []corev1.EnvVar{{Name: "PGPASSFILE", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "pgpass"}, Key: "file"}}}}})
	require.NoError(t, w.d.Start(w.ctx, task))

	job, err := w.env.Client.BatchV1().Jobs(w.ns).Get(w.ctx, task.ID, metav1.GetOptions{})
	require.NoError(t, err, "the Job is named after the task")
	assert.Equal(t, task.ID, job.Labels[v1alpha1.LabelTaskID])
	assert.Equal(t, "backup", job.Labels[v1alpha1.LabelTaskKind])
	assert.Equal(t, "b1", job.Labels[v1alpha1.LabelBackupName], "the task's labels")
	assert.Equal(t, []metav1.OwnerReference{{APIVersion: "dataprotection.kubeblocks.io/v1alpha1", Kind: "Backup",
		Name: "b1", UID: "uid-b1", Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(false)}}, job.OwnerReferences)
	assert.Equal(t, ptr.To[int32](0), job.Spec.BackoffLimit, "the engine retries, not the Job")
	assert.Equal(t, ptr.To[int64](90), job.Spec.ActiveDeadlineSeconds)
	assert.Equal(t, t0.Add(90*time.Second).Format(time.RFC3339Nano), job.Annotations[v1alpha1.AnnotationTaskDeadline])

	pod := job.Spec.Template.Spec
	assert.Equal(t, task.ID, job.Spec.Template.Labels[v1alpha1.LabelTaskID], "the pods carry the task ID")
	assert.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy)
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, "registry.example/pg-tools:16", c.Image)
	assert.Equal(t, []string{"sh", "-c"}, c.Command)
	require.Len(t, c.Args, 5, "the script, $0, then the commands as separate words")
	assert.Equal(t, envvar.Escape(jobScript(taskScript(task, jobPlan{namespace: w.ns}))), c.Args[0],
		"the script, escaped: the kubelet's expansion leaves it as it is")
	assert.Equal(t, "sh", c.Args[1])
	assert.Equal(t, append(task.Steps[0].Commands, task.Steps[1].Commands...), c.Args[2:], "every command of every step, in order")
	assert.Contains(t, c.Args[0], `export PGPASSFILE="$${__DP_S2_PGPASSFILE}"`, "the step's variable is exported in its step")
	assert.Equal(t, corev1.TerminationMessageFallbackToLogsOnError, c.TerminationMessagePolicy)
	assert.Equal(t, TerminationMessagePath, c.TerminationMessagePath)

	assert.Equal(t, task.Env, c.Env[:len(task.Env)], "the task's env as it is")
	secretRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	assert.Equal(t, secretRef("db-secret", "password"), c.Env[2].ValueFrom, "secrets stay references")
	assert.Equal(t, corev1.EnvVar{Name: "__DP_S2_PGPASSFILE", ValueFrom: secretRef("pgpass", "file")}, c.Env[len(c.Env)-1],
		"a step's secret variable is carried by reference too")
	assert.Equal(t, task.EnvFrom, c.EnvFrom)
	assert.Equal(t, resource.MustParse("256Mi"), c.Resources.Limits[corev1.ResourceMemory])

	assert.Equal(t, []string{"data", "config", StorageVolumeName}, volumeNames(pod.Volumes), "the target's volumes and the backup claim")
	assert.Equal(t, "backup-pvc", pod.Volumes[2].PersistentVolumeClaim.ClaimName)
	assert.Equal(t, []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/postgresql/data"}, {Name: "config", MountPath: "/etc/db"},
		{Name: StorageVolumeName, MountPath: "/backupdata"}}, c.VolumeMounts, "the target container's mounts and the claim at the mount path")
	require.NotNil(t, pod.Affinity)
	assert.Equal(t, []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{"node-a"}}},
		pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields,
		"a target with a claim is backed up on its node")
	assert.Equal(t, task.Target.Tolerations, pod.Tolerations)
}

func volumeNames(vs []corev1.Volume) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func TestBackupJobOfATargetWithoutNodeBoundVolumesIsNotPinned(t *testing.T) {
	d := mustNew(t, nil, Options{})
	task := backupTask("ns", "t-1")
	task.Target.Volumes = task.Target.Volumes[1:] // only the config map
	task.Target.VolumeMounts = task.Target.VolumeMounts[1:]
	job := d.buildJob(task, jobPlan{namespace: "ns", now: t0})
	assert.Nil(t, job.Spec.Template.Spec.Affinity, "nothing ties the task to the target's node")
	assert.Nil(t, job.Spec.ActiveDeadlineSeconds, "no deadline")
	assert.Nil(t, job.Spec.TTLSecondsAfterFinished)
}

func TestBackupJobUsesTheClaimOfAnEphemeralVolume(t *testing.T) {
	task := backupTask("ns", "t-1")
	task.Target.Volumes[0].VolumeSource = corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}
	job := mustNew(t, nil, Options{}).buildJob(task, jobPlan{namespace: "ns", now: t0})
	v := job.Spec.Template.Spec.Volumes[0]
	require.NotNil(t, v.PersistentVolumeClaim, "the pod's generic ephemeral volume is its claim <pod>-<volume>")
	assert.Equal(t, "db-0-data", v.PersistentVolumeClaim.ClaimName)
	assert.NotNil(t, job.Spec.Template.Spec.Affinity)
}

func TestJobInAnotherNamespaceThanItsOwnerHasNoOwnerReference(t *testing.T) {
	task := backupTask("apps", "t-1")
	job := mustNew(t, nil, Options{Namespace: "backups"}).buildJob(task, jobPlan{namespace: "backups", now: t0})
	assert.Empty(t, job.OwnerReferences, "Kubernetes has no owners across namespaces")
}

func TestStartOfABackupWhoseTargetIsInAnotherNamespace(t *testing.T) {
	w := newWorld(t, Options{Namespace: "default"})
	task := backupTask("apps", w.id("main"))
	requireCode(t, drivers.FailedPrecondition, w.d.Start(w.ctx, task))
}

func TestStartCreatesTheRestoreJob(t *testing.T) {
	w := newWorld(t, Options{})
	task := backupTask(w.ns, w.id("phy"))
	task.Kind, task.Owner = drivers.KindRestore, drivers.ObjectRef{Kind: "RestoreJob", Namespace: w.ns, Name: "r1", UID: "uid-r1"}
	task.Storage.Create = nil
	task.Volumes = []corev1.Volume{{Name: "restore-data", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data-db-0"}}}}
	task.VolumeMounts = []corev1.VolumeMount{{Name: "restore-data", MountPath: "/data"}}
	task.Steps = []drivers.Step{
		{Name: "full", Commands: []string{"restore-full"}, Env: []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/full"}}},
		{Name: "incr", Commands: []string{"restore-incr"}, Env: []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/incr"}}},
	}
	createClaim(t, w, "backup-pvc")
	require.NoError(t, w.d.Start(w.ctx, task))
	job, err := w.env.Client.BatchV1().Jobs(w.ns).Get(w.ctx, task.ID, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "RestoreJob", job.OwnerReferences[0].Kind)
	pod := job.Spec.Template.Spec
	assert.Equal(t, []string{"restore-data", StorageVolumeName}, volumeNames(pod.Volumes), "the task's volumes, not the target's")
	assert.Equal(t, []corev1.VolumeMount{{Name: "restore-data", MountPath: "/data"}, {Name: StorageVolumeName, MountPath: "/backupdata"}},
		pod.Containers[0].VolumeMounts)
	args := strings.Join(pod.Containers[0].Args[2:], "\n")
	assert.Less(t, strings.Index(args, "restore-full"), strings.Index(args, "restore-incr"), "the chain in order")
	env := pod.Containers[0].Env
	assert.Equal(t, corev1.EnvVar{Name: "__DP_S2_BACKUP_DIR", Value: "/backupdata/incr"}, env[len(env)-1])
}

func TestStartCreatesTheDeleteJob(t *testing.T) {
	w := newWorld(t, Options{HelperImage: "example/shell:1"})
	createClaim(t, w, "backup-pvc")
	task := &drivers.Task{ID: w.id("delete"), Kind: drivers.KindDeleteArtifacts, BackupType: v1alpha1.BackupTypeLogFile,
		Owner:   drivers.ObjectRef{Kind: "Backup", Namespace: w.ns, Name: "b1", UID: "uid-b1"},
		Storage: &drivers.Storage{ClaimName: "backup-pvc", MountPath: "/backupdata", Path: w.ns + "/b1"},
		Env:     []corev1.EnvVar{{Name: "BACKUP_DIR", Value: "/backupdata/" + w.ns + "/b1"}}}
	require.NoError(t, w.d.Start(w.ctx, task))
	job, err := w.env.Client.BatchV1().Jobs(w.ns).Get(w.ctx, task.ID, metav1.GetOptions{})
	require.NoError(t, err)
	c := job.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "example/shell:1", c.Image, "the helper image")
	assert.Equal(t, []string{"rm -rf -- '/backupdata/" + w.ns + "/b1'\nrmdir -- '/backupdata/" + w.ns + "' 2>/dev/null || exit 0\n"},
		c.Args[2:], "exactly the backup's directory, and its parents left empty")
	assert.Equal(t, []string{StorageVolumeName}, volumeNames(job.Spec.Template.Spec.Volumes))
}

func TestStartRejectsTasksItCannotRun(t *testing.T) {
	d := mustNew(t, nil, Options{})
	bad := func(mutate func(*drivers.Task)) *drivers.Task {
		task := backupTask("ns", "t-1")
		mutate(task)
		return task
	}
	for name, tc := range map[string]struct {
		task *drivers.Task
		code drivers.Code
	}{
		"an ID that is not a DNS label": {bad(func(t *drivers.Task) { t.ID = "Not_A_Label" }), drivers.InvalidArgument},
		"an empty ID":                   {bad(func(t *drivers.Task) { t.ID = "" }), drivers.InvalidArgument},
		"a snapshot backup": {bad(func(t *drivers.Task) {
			t.BackupType, t.Snapshot = v1alpha1.BackupTypeSnapshot, &drivers.SnapshotSpec{Name: "s"}
		}), drivers.Unimplemented},
		"a task with a snapshot":        {bad(func(t *drivers.Task) { t.Snapshot = &drivers.SnapshotSpec{Name: "s"} }), drivers.Unimplemented},
		"a hook without a pod executor": {bad(func(t *drivers.Task) { t.Kind = drivers.KindHook }), drivers.Unimplemented},
		"no image":                      {bad(func(t *drivers.Task) { t.Image = "" }), drivers.InvalidArgument},
		"no storage":                    {bad(func(t *drivers.Task) { t.Storage = nil }), drivers.InvalidArgument},
		"no steps":                      {bad(func(t *drivers.Task) { t.Steps = nil }), drivers.InvalidArgument},
		"a path with ..":                {bad(func(t *drivers.Task) { t.Storage.Path = "ns/../other" }), drivers.InvalidArgument},
		"an absolute path":              {bad(func(t *drivers.Task) { t.Storage.Path = "/etc" }), drivers.InvalidArgument},
		"a relative mount path":         {bad(func(t *drivers.Task) { t.Storage.MountPath = "backupdata" }), drivers.InvalidArgument},
		"the root as mount path":        {bad(func(t *drivers.Task) { t.Storage.MountPath = "/" }), drivers.InvalidArgument},
		"a NUL in a command":            {bad(func(t *drivers.Task) { t.Steps[0].Commands[0] = "a\x00b" }), drivers.InvalidArgument},
		"a step variable the shell cannot name": {bad(func(t *drivers.Task) {
			t.Steps[0].Env = []corev1.EnvVar{{Name: "my.var", Value: "x"}}
		}), drivers.InvalidArgument},
		"deleting the claim's root": {bad(func(t *drivers.Task) {
			t.Kind, t.Storage.Path = drivers.KindDeleteArtifacts, "."
		}), drivers.InvalidArgument},
		"deleting an empty path": {bad(func(t *drivers.Task) {
			t.Kind, t.Storage.Path = drivers.KindDeleteArtifacts, ""
		}), drivers.InvalidArgument},
		"deleting with ..": {bad(func(t *drivers.Task) {
			t.Kind, t.Storage.Path = drivers.KindDeleteArtifacts, "ns/b1/.."
		}), drivers.InvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			requireCode(t, tc.code, d.Start(t.Context(), tc.task))
		})
	}
}

func TestCapabilities(t *testing.T) {
	caps, err := mustNew(t, nil, Options{}).Capabilities(t.Context())
	require.NoError(t, err)
	assert.ElementsMatch(t, []drivers.TaskKind{drivers.KindBackup, drivers.KindRestore, drivers.KindDeleteArtifacts}, caps.Kinds,
		"without a pod executor, no hooks or status updates")
	assert.ElementsMatch(t, []v1alpha1.BackupType{v1alpha1.BackupTypeDataFile, v1alpha1.BackupTypeLogFile}, caps.BackupTypes)
	caps, err = mustNew(t, nil, Options{PodExec: &podexectest.Fake{}}).Capabilities(t.Context())
	require.NoError(t, err)
	assert.ElementsMatch(t, drivers.TaskKinds, caps.Kinds)
}

// jobsOf lists the Jobs of task id in ns.
func jobsOf(t *testing.T, w *world, id string) []batchv1.Job {
	list, err := w.env.Client.BatchV1().Jobs(w.ns).List(w.ctx, metav1.ListOptions{LabelSelector: labels.Set{v1alpha1.LabelTaskID: id}.String()})
	require.NoError(t, err)
	return list.Items
}

// createClaim creates a claim in the world's namespace.
func createClaim(t *testing.T, w *world, name string) *corev1.PersistentVolumeClaim {
	c, err := w.env.Client.CoreV1().PersistentVolumeClaims(w.ns).Create(w.ctx, &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	return c
}

func TestNewRefusesANilClient(t *testing.T) {
	d, err := New(nil, Options{})
	assert.Nil(t, d)
	require.ErrorContains(t, err, "the Kubernetes client is nil")
	assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
}
