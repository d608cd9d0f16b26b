package job

import (
	"fmt"
	"path"

	corev1 "k8s.io/api/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
)

// The names of a Job that moves a task's data to or from a repository.
const (
	// UploadContainerName is the container that uploads a backup's
	// staging directory once the tool's container succeeded.
	UploadContainerName = "dp-upload"
	// DownloadContainerPrefix, followed by the backup's index in the
	// task's Pull, names the init containers that download a restore's
	// backups before the tool's container runs.
	DownloadContainerPrefix = "dp-download-"
	// StagingVolumeName is the emptyDir that holds a staged task's data,
	// mounted at Storage.MountPath in every container.
	StagingVolumeName = "dataprotection-staging"
	// DefaultToolsPath is where the tools image holds dpctl.
	DefaultToolsPath = "/usr/local/bin/dpctl"
)

// staged reports whether the task stages its data for a repository.
func staged(t *drivers.Task) bool {
	return t.Repository != nil && t.Storage != nil && t.Storage.ClaimName == ""
}

// checkStaged refuses a staged task when the driver has no tools image.
func (d *Driver) checkStaged(t *drivers.Task) error {
	if staged(t) && d.opts.ToolsImage == "" {
		return drivers.Errorf(drivers.Unimplemented, "job driver: task %q has a repository and Options.ToolsImage is not set", t.ID)
	}
	return nil
}

// stagePod arranges the pod of a staged task around its tool's container,
// all of them sharing the staging emptyDir: a backup runs the tool as an
// init container and uploads in the pod's container once it succeeded; a
// restore downloads each backup in an init container, in order, and runs
// the tool in the pod's container. The transfers run dpctl in the tools
// image with the repository's client environment; the tool's container
// never gets it.
func (d *Driver) stagePod(t *drivers.Task, spec *corev1.PodSpec) {
	tool := spec.Containers[0]
	switch t.Kind {
	case drivers.KindBackup:
		p := t.Repository.Push
		spec.InitContainers = []corev1.Container{tool}
		spec.Containers = []corev1.Container{d.transfer(t, UploadContainerName, "push-dir", p.Key, p.Path, "")}
	case drivers.KindRestore:
		for i, p := range t.Repository.Pull {
			spec.InitContainers = append(spec.InitContainers,
				d.transfer(t, fmt.Sprintf("%s%d", DownloadContainerPrefix, i), "pull-dir", p.Key, p.Path, p.ManifestSHA256))
		}
	}
}

// transfer is a container that runs `dpctl <command> KEY DIR` in the tools
// image, writing its JSON result (or failure) to its termination message.
func (d *Driver) transfer(t *drivers.Task, name, command, key, rel, sum string) corev1.Container {
	args := []string{command, "--result", TerminationMessagePath}
	if sum != "" {
		args = append(args, "--manifest-sha256", sum)
	}
	args = append(args, key, path.Join(t.Storage.MountPath, rel))
	for i := range args {
		args[i] = envvar.Escape(args[i]) // driver text: the kubelet's expansion leaves it as it is
	}
	c := corev1.Container{
		Name:                     name,
		Image:                    d.opts.ToolsImage,
		Command:                  []string{d.opts.ToolsPath},
		Args:                     args,
		Env:                      t.Repository.ClientEnv(),
		VolumeMounts:             []corev1.VolumeMount{{Name: StagingVolumeName, MountPath: t.Storage.MountPath}},
		TerminationMessagePath:   TerminationMessagePath,
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
	if d.opts.SecurityContext != nil {
		c.SecurityContext = d.opts.SecurityContext.DeepCopy()
	}
	return c
}

// stagingVolume is the emptyDir of a staged task.
func stagingVolume(t *drivers.Task) (corev1.Volume, corev1.VolumeMount) {
	return corev1.Volume{Name: StagingVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		corev1.VolumeMount{Name: StagingVolumeName, MountPath: t.Storage.MountPath}
}
