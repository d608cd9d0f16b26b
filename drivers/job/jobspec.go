package job

import (
	"math"
	"path"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// jobPlan is what buildJob needs beyond the task.
type jobPlan struct {
	namespace string
	now       time.Time
	// claimMissing is set for a delete-artifacts task whose claim does not
	// exist: the Job then mounts nothing and deletes nothing.
	claimMissing bool
	// envFromSecrets are the names the task's envFrom secrets define,
	// whose references in commands are protected (protectSteps).
	envFromSecrets map[string]bool
}

// buildJob returns the batch/v1 Job that runs task t.
func (d *Driver) buildJob(t *drivers.Task, p jobPlan) *batchv1.Job {
	labels := jobLabels(t)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:            t.ID,
			Namespace:       p.namespace,
			Labels:          labels,
			Annotations:     map[string]string{},
			OwnerReferences: ownerReferences(t, p.namespace),
		},
		Spec: batchv1.JobSpec{
			// The engine retries a failed run (onFailAttempted) with a new
			// task; the Job itself never reruns a half-done backup.
			BackoffLimit: ptr.To[int32](0),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(labels)},
				Spec:       d.podSpec(t, p),
			},
		},
	}
	if staged(t) {
		job.Annotations[v1alpha1.AnnotationRepository] = t.Repository.Name
	}
	if !t.Deadline.IsZero() {
		job.Annotations[v1alpha1.AnnotationTaskDeadline] = t.Deadline.UTC().Format(time.RFC3339Nano)
		secs := int64(math.Ceil(t.Deadline.Sub(p.now).Seconds()))
		job.Spec.ActiveDeadlineSeconds = ptr.To(max(secs, 1))
	}
	if d.opts.TTL != nil {
		job.Spec.TTLSecondsAfterFinished = ptr.To(int32(*d.opts.TTL / time.Second))
	}
	return job
}

// jobLabels are the task's labels and the driver's own.
func jobLabels(t *drivers.Task) map[string]string {
	labels := copyMap(t.Labels)
	labels[v1alpha1.LabelTaskID] = t.ID
	labels[v1alpha1.LabelTaskKind] = string(t.Kind)
	return labels
}

// ownerReferences makes the task's Backup or RestoreJob the Job's
// controller, so that deleting it deletes the Job. Owners must be in the
// Job's namespace; elsewhere the Job has none.
func ownerReferences(t *drivers.Task, namespace string) []metav1.OwnerReference {
	o := t.Owner
	if o.UID == "" || o.Kind == "" || o.Name == "" || o.Namespace != namespace {
		return nil
	}
	return []metav1.OwnerReference{{
		APIVersion:         ownerAPIVersion,
		Kind:               o.Kind,
		Name:               o.Name,
		UID:                o.UID,
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(false),
	}}
}

// podSpec is the pod of the Job: one container running the task's script,
// next to the target when it mounts the target's node-bound volumes.
func (d *Driver) podSpec(t *drivers.Task, p jobPlan) corev1.PodSpec {
	volumes, mounts := taskVolumes(t, p)
	spec := corev1.PodSpec{
		RestartPolicy:      corev1.RestartPolicyNever,
		ServiceAccountName: d.opts.ServiceAccountName,
		ImagePullSecrets:   append([]corev1.LocalObjectReference(nil), d.opts.ImagePullSecrets...),
		Volumes:            volumes,
		Containers:         []corev1.Container{d.container(t, p, mounts)},
	}
	if t.Kind == drivers.KindBackup || t.Kind == drivers.KindRestore {
		spec.Tolerations = deepCopyTolerations(t.Target.Tolerations)
		if t.Target.Node != "" && nodeBound(volumes) {
			spec.Affinity = nodeAffinity(t.Target.Node)
		}
	}
	if staged(t) {
		d.stagePod(t, &spec)
	}
	return spec
}

// container runs the task's script with the task's image, environment and
// resources.
func (d *Driver) container(t *drivers.Task, p jobPlan, mounts []corev1.VolumeMount) corev1.Container {
	image := t.Image
	if image == "" {
		image = d.opts.HelperImage
	}
	env := make([]corev1.EnvVar, 0, len(t.Env))
	for i := range t.Env {
		env = append(env, *t.Env[i].DeepCopy())
	}
	c := corev1.Container{
		Name:                     ContainerName,
		Image:                    image,
		Command:                  []string{"sh", "-c"},
		Args:                     containerArgs(taskScript(t, p)),
		Env:                      append(env, stepEnv(t.Steps)...),
		VolumeMounts:             mounts,
		TerminationMessagePath:   TerminationMessagePath,
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
	for i := range t.EnvFrom {
		c.EnvFrom = append(c.EnvFrom, *t.EnvFrom[i].DeepCopy())
	}
	if t.Resources != nil {
		c.Resources = *t.Resources.DeepCopy()
	}
	if d.opts.SecurityContext != nil {
		c.SecurityContext = d.opts.SecurityContext.DeepCopy()
	}
	return c
}

// taskScript says what the Job's script does for each kind of task.
func taskScript(t *drivers.Task, p jobPlan) *scriptSpec {
	s := &scriptSpec{steps: protectSteps(t.Steps, t.Env, p.envFromSecrets), messagePath: TerminationMessagePath}
	switch t.Kind {
	case drivers.KindBackup:
		s.workDir, s.createWorkDir, s.listDir = storageDir(t.Storage), true, storageDir(t.Storage)
		if staged(t) {
			s.listDir = "" // the upload's manifest describes the files
		}
	case drivers.KindRestore:
		s.workDir = storageDir(t.Storage)
	case drivers.KindDeleteArtifacts:
		// Escaped: the kubelet expands the commands, and this one is text of
		// the driver's, not a tool's.
		s.steps = []drivers.Step{{Name: "delete", Commands: []string{envvar.Escape(deleteCommand(t.Storage, p.claimMissing))}}}
	}
	return s
}

// storageDir is BACKUP_DIR: the task's directory in the mounted claim.
func storageDir(s *drivers.Storage) string {
	if s == nil {
		return ""
	}
	return path.Join(s.MountPath, s.Path)
}

// taskVolumes are the pod's volumes and the container's mounts: the backup
// claim at its mount path, plus the target's volumes with the target
// container's mounts for a backup, or the task's own for a restore.
func taskVolumes(t *drivers.Task, p jobPlan) ([]corev1.Volume, []corev1.VolumeMount) {
	var volumes []corev1.Volume
	var mounts []corev1.VolumeMount
	switch t.Kind {
	case drivers.KindBackup:
		volumes, mounts = targetVolumes(t.Target), deepCopyMounts(t.Target.VolumeMounts)
	case drivers.KindRestore:
		volumes, mounts = deepCopyVolumes(t.Volumes), deepCopyMounts(t.VolumeMounts)
	}
	if staged(t) {
		v, m := stagingVolume(t)
		return append(volumes, v), append(mounts, m)
	}
	if t.Storage != nil && !p.claimMissing {
		volumes = append(volumes, corev1.Volume{Name: StorageVolumeName, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: t.Storage.ClaimName}}})
		mounts = append(mounts, corev1.VolumeMount{Name: StorageVolumeName, MountPath: t.Storage.MountPath})
	}
	return volumes, mounts
}

// targetVolumes copies the target pod's volumes. A generic ephemeral volume
// becomes a reference to the claim Kubernetes made for it ("<pod>-<volume>"),
// so the task sees the pod's data rather than a new empty volume.
func targetVolumes(target drivers.Target) []corev1.Volume {
	out := deepCopyVolumes(target.Volumes)
	for i := range out {
		if out[i].Ephemeral != nil {
			out[i].VolumeSource = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: target.Name + "-" + out[i].Name}}
		}
	}
	return out
}

// nodeBound reports whether a pod with these volumes must run on the
// target's node to see the target's data: claims (ReadWriteOnce or local
// volumes) and host paths are bound to a node.
func nodeBound(volumes []corev1.Volume) bool {
	for _, v := range volumes {
		if v.Name == StorageVolumeName {
			continue
		}
		if v.PersistentVolumeClaim != nil || v.HostPath != nil {
			return true
		}
	}
	return false
}

// nodeAffinity requires the node named node. It matches the Node object's
// name (as DaemonSet pods do), not a hostname label that may differ, and
// unlike spec.nodeName it lets the scheduler check the node's resources.
func nodeAffinity(node string) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchFields: []corev1.NodeSelectorRequirement{{
					Key: "metadata.name", Operator: corev1.NodeSelectorOpIn, Values: []string{node},
				}},
			}},
		},
	}}
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deepCopyVolumes(in []corev1.Volume) []corev1.Volume {
	var out []corev1.Volume
	for i := range in {
		out = append(out, *in[i].DeepCopy())
	}
	return out
}

func deepCopyMounts(in []corev1.VolumeMount) []corev1.VolumeMount {
	var out []corev1.VolumeMount
	for i := range in {
		out = append(out, *in[i].DeepCopy())
	}
	return out
}

func deepCopyTolerations(in []corev1.Toleration) []corev1.Toleration {
	var out []corev1.Toleration
	for i := range in {
		out = append(out, *in[i].DeepCopy())
	}
	return out
}
