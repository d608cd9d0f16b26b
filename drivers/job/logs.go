package job

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/kubeenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// logTailLines bounds the lines Logs asks the API server for, from the
// end of the pod's log; drivers.MaxLogBytes bounds their bytes.
const logTailLines = 20000

// Logs implements drivers.LogReader: the log of the task container of the
// newest pod of the task's Job, read through the clientset (its last
// logTailLines lines, at most drivers.MaxLogBytes bytes of them), with the
// values of the secrets the container references redacted. NotFound when
// the task has no Job, or its Job no pod (yet, or any more).
func (d *Driver) Logs(ctx context.Context, id string) (io.ReadCloser, error) {
	job, err := d.getJob(ctx, id)
	if err != nil {
		return nil, err
	}
	pods, err := d.client.CoreV1().Pods(job.Namespace).List(ctx, metav1.ListOptions{LabelSelector: v1alpha1.LabelTaskID + "=" + id})
	if err != nil {
		return nil, apiError(err, "list the pods of Job %s/%s", job.Namespace, id)
	}
	if len(pods.Items) == 0 {
		return nil, drivers.Errorf(drivers.NotFound, "job driver: Job %s/%s has no pod", job.Namespace, id)
	}
	sort.Slice(pods.Items, func(i, j int) bool {
		return pods.Items[j].CreationTimestamp.Before(&pods.Items[i].CreationTimestamp)
	})
	pod := pods.Items[0]
	rc, err := d.client.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, &corev1.PodLogOptions{Container: ContainerName,
		TailLines: ptr.To[int64](logTailLines), LimitBytes: ptr.To[int64](drivers.MaxLogBytes)}).Stream(ctx)
	if err != nil {
		return nil, apiError(err, "read the log of pod %s/%s", pod.Namespace, pod.Name)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, drivers.MaxLogBytes))
	if err != nil {
		return nil, drivers.Errorf(drivers.Unavailable, "job driver: read the log of pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	c := job.Spec.Template.Spec.Containers[0]
	red, err := envvar.RedactorOf(ctx, kubeenv.Sources(d.client, job.Namespace), c.Env, c.EnvFrom)
	if err != nil {
		return nil, apiError(err, "read the secrets of Job %s/%s to redact its log", job.Namespace, job.Name)
	}
	return io.NopCloser(bytes.NewReader([]byte(red.Log(string(data))))), nil
}

// LogLocation implements drivers.LogReader: the log of the pod of the
// task's Job, as kubectl reads it.
func (d *Driver) LogLocation(t *drivers.Task) string {
	if t == nil {
		return ""
	}
	return fmt.Sprintf("pod log: kubectl logs -n %s job/%s -c %s", d.namespaceFor(t), t.ID, ContainerName)
}

var _ drivers.LogReader = (*Driver)(nil)
