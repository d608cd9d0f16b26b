package job

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/internal/envvar"
	"github.com/dpsdk/dataprotection/internal/kubeenv"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// jobStatus reports the task of the Job named id.
func (d *Driver) jobStatus(ctx context.Context, id string) (*drivers.TaskStatus, error) {
	job, err := d.getJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(job.Spec.Template.Spec.Containers) == 0 {
		return nil, drivers.Errorf(drivers.FailedPrecondition, "job driver: Job %s/%s has no container", job.Namespace, job.Name)
	}
	st := &drivers.TaskStatus{ID: id, Phase: drivers.Pending}
	if s := job.Status.StartTime; s != nil {
		st.StartTime = s.Time
	}
	failed, complete := condition(job, batchv1.JobFailed, batchv1.JobFailureTarget),
		condition(job, batchv1.JobComplete, batchv1.JobSuccessCriteriaMet)
	switch {
	case job.Annotations[v1alpha1.AnnotationTaskCanceled] != "":
		st.Phase, st.ErrorCode, st.Message = drivers.Failed, drivers.Canceled, "the task was cancelled"
		st.CompletionTime = parseTime(job.Annotations[v1alpha1.AnnotationTaskCanceled])
	case failed != nil:
		err = d.failedJob(ctx, job, failed, st)
	case complete != nil:
		err = d.succeededJob(ctx, job, complete, st)
	case d.pastDeadline(job):
		st.Phase, st.ErrorCode = drivers.Failed, drivers.DeadlineExceeded
		st.Message = fmt.Sprintf("Job %s/%s was still running at its deadline %s", job.Namespace, job.Name,
			job.Annotations[v1alpha1.AnnotationTaskDeadline])
	case job.Status.StartTime != nil && job.Status.Active > 0:
		st.Phase = drivers.Running
	}
	if err == nil && (failed != nil || complete != nil) {
		err = d.redact(ctx, job, st)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// redact hides, in what a finished Job reports (its output, in the decoded
// document; its log tail, line by line; its message), the values of the
// secrets its container references: the kubelet gave them to the
// container, which may have printed them. The secrets are read again from
// the Job's namespace; one deleted since is skipped.
func (d *Driver) redact(ctx context.Context, job *batchv1.Job, st *drivers.TaskStatus) error {
	if len(st.Output) == 0 && st.LogTail == "" && st.Message == "" {
		return nil
	}
	c := job.Spec.Template.Spec.Containers[0]
	red, err := envvar.RedactorOf(ctx, kubeenv.Sources(d.client, job.Namespace), c.Env, c.EnvFrom)
	if err != nil {
		return apiError(err, "read the secrets of Job %s/%s to redact what it printed", job.Namespace, job.Name)
	}
	if len(st.Output) > 0 {
		if st.Output, err = red.JSON(st.Output); err != nil {
			st.Output = nil // jsonObject let only one JSON object through
		}
	}
	st.LogTail, st.Message = red.Log(st.LogTail), red.String(st.Message)
	return nil
}

// condition returns the first condition of the Job that is of one of the
// types and true, looking at every condition (never at a position).
func condition(job *batchv1.Job, types ...batchv1.JobConditionType) *batchv1.JobCondition {
	for _, t := range types {
		for i := range job.Status.Conditions {
			if c := &job.Status.Conditions[i]; c.Type == t && c.Status == corev1.ConditionTrue {
				return c
			}
		}
	}
	return nil
}

// pastDeadline reports whether the Job's task deadline has passed.
func (d *Driver) pastDeadline(job *batchv1.Job) bool {
	dl := parseTime(job.Annotations[v1alpha1.AnnotationTaskDeadline])
	return !dl.IsZero() && d.opts.Clock.Now().After(dl)
}

// succeededJob fills st from a succeeded Job's pod's termination message.
func (d *Driver) succeededJob(ctx context.Context, job *batchv1.Job, c *batchv1.JobCondition, st *drivers.TaskStatus) error {
	st.Phase, st.CompletionTime = drivers.Succeeded, finishTime(job, c)
	term, err := d.terminated(ctx, job, ContainerName, true)
	if err != nil {
		return err
	}
	if term == nil {
		d.opts.Logger.Info("succeeded Job has no terminated pod: no artifacts to report", "namespace", job.Namespace, "job", job.Name)
		return nil
	}
	if r, ok := parseResult(term.Message); ok {
		r.applyTo(st)
	}
	return d.uploadResult(ctx, job, st)
}

// failedJob fills st with why a Job failed: its condition, the script's
// result (which command failed, the end of its log) or, when the script
// wrote none, the end of the container's log.
func (d *Driver) failedJob(ctx context.Context, job *batchv1.Job, c *batchv1.JobCondition, st *drivers.TaskStatus) error {
	st.Phase, st.CompletionTime = drivers.Failed, finishTime(job, c)
	if c.Reason == batchv1.JobReasonDeadlineExceeded {
		st.ErrorCode = drivers.DeadlineExceeded
	}
	parts := []string{fmt.Sprintf("Job %s/%s failed", job.Namespace, job.Name)}
	if c.Reason != "" {
		parts[0] += ": " + c.Reason
	}
	if c.Message != "" {
		parts = append(parts, c.Message)
	}
	term, err := d.terminated(ctx, job, ContainerName, false)
	if err != nil {
		return err
	}
	if term != nil && term.ExitCode != 0 {
		if r, ok := parseResult(term.Message); ok {
			parts, st.LogTail = append(parts, r.failure()), r.LogTail
		} else {
			parts, st.LogTail = append(parts, containerFailure(term)), strings.TrimSpace(term.Message)
		}
	}
	if parts, err = d.transferFailure(ctx, job, st, parts); err != nil {
		return err
	}
	st.Message = strings.Join(parts, "; ")
	return nil
}

// containerFailure describes a container that ended without the script's
// result.
func containerFailure(t *corev1.ContainerStateTerminated) string {
	s := fmt.Sprintf("container exited with status %d", t.ExitCode)
	if t.Reason != "" {
		s += " (" + t.Reason + ")"
	}
	return s
}

// terminated returns the termination state of the container name (an init
// container or a container) in the newest of the Job's pods where it ended
// (with exit status 0 when succeeded is set), or nil when there is none.
// When the driver watches, the pods come from the cache; a finished Job
// whose cache holds no such pod yet (the pods' informer is behind the
// Jobs') is read again from the API server.
func (d *Driver) terminated(ctx context.Context, job *batchv1.Job, name string, succeeded bool) (*corev1.ContainerStateTerminated, error) {
	if d.watch != nil {
		pods, err := d.cachedPods(job)
		if err != nil {
			return nil, err
		}
		if t := lastTerminated(pods, name, succeeded); t != nil {
			return t, nil
		}
	}
	sel := labels.Set{batchv1.ControllerUidLabel: string(job.UID)}
	list, err := d.client.CoreV1().Pods(job.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, apiError(err, "list the pods of Job %s/%s", job.Namespace, job.Name)
	}
	pods := make([]*corev1.Pod, len(list.Items))
	for i := range list.Items {
		pods[i] = &list.Items[i]
	}
	return lastTerminated(pods, name, succeeded), nil
}

// lastTerminated returns the termination state of the container name in
// the newest of pods where it ended (with exit status 0 when succeeded is
// set), or nil.
func lastTerminated(pods []*corev1.Pod, name string, succeeded bool) *corev1.ContainerStateTerminated {
	items := append([]*corev1.Pod(nil), pods...)
	sort.Slice(items, func(i, j int) bool {
		return items[j].CreationTimestamp.Before(&items[i].CreationTimestamp) ||
			(items[i].CreationTimestamp.Equal(&items[j].CreationTimestamp) && items[i].Name > items[j].Name)
	})
	for _, p := range items {
		// The pods may be the cache's: read, never appended to.
		for _, statuses := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
			for _, cs := range statuses {
				if t := cs.State.Terminated; cs.Name == name && t != nil && (!succeeded || t.ExitCode == 0) {
					return t
				}
			}
		}
	}
	return nil
}

// finishTime is when a finished Job finished.
func finishTime(job *batchv1.Job, c *batchv1.JobCondition) time.Time {
	if t := job.Status.CompletionTime; t != nil {
		return t.Time
	}
	return c.LastTransitionTime.Time
}

// parseTime parses an RFC 3339 annotation; zero when empty or malformed.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
