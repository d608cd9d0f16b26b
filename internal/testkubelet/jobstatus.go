package testkubelet

import (
	"context"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

// CreatePod creates the pod of job, as the Job controller would: the pod
// template's labels (with the controller-uid the API server added) and
// spec, controlled by the Job.
func CreatePod(ctx context.Context, c kubernetes.Interface, job *batchv1.Job) (*corev1.Pod, error) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: job.Name + "-",
			Namespace:    job.Namespace,
			Labels:       job.Spec.Template.Labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
	}
	return c.CoreV1().Pods(job.Namespace).Create(ctx, pod, metav1.CreateOptions{})
}

// MarkRunning sets the Job's startTime and one active pod.
func MarkRunning(ctx context.Context, c kubernetes.Interface, job *batchv1.Job) error {
	return updateJobStatus(ctx, c, job, func(s *batchv1.JobStatus) {
		now := metav1.Now()
		s.StartTime, s.Active, s.Ready = &now, 1, ptr.To[int32](1)
	})
}

// Termination is how a pod's container ended.
type Termination struct {
	// ExitCode is the container's exit status.
	ExitCode int32
	// Message is its termination message.
	Message string
	// Reason is the container's reason; empty means Completed for exit
	// status 0 and Error otherwise.
	Reason string
	// Log is what the container wrote (its standard output and standard
	// error, as kubectl logs shows them), when the node keeps it.
	Log string
}

// TerminatePod writes the pod's status: its first container terminated as
// term says, the pod Succeeded or Failed.
func TerminatePod(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod, term Termination) error {
	p := pod.DeepCopy()
	return retry.RetryOnConflict(retry.DefaultRetry, func() (err error) {
		if p == nil {
			if p, err = c.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{}); err != nil {
				return err
			}
		}
		now := metav1.Now()
		reason, phase := term.Reason, corev1.PodSucceeded
		if term.ExitCode != 0 {
			phase = corev1.PodFailed
		}
		if reason == "" {
			reason = map[bool]string{true: "Completed", false: "Error"}[term.ExitCode == 0]
		}
		p.Status.Phase = phase
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: p.Spec.Containers[0].Name, Image: p.Spec.Containers[0].Image, ImageID: "docker.io/library/test@sha256:00",
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: term.ExitCode, Reason: reason, Message: term.Message, StartedAt: now, FinishedAt: now}},
		}}
		_, err = c.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
		p = nil // on a conflict, read it again
		return err
	})
}

// Outcome is how FinishJob ends a Job.
type Outcome struct {
	// Succeeded: SuccessCriteriaMet and Complete; else FailureTarget and
	// Failed with Reason and Message.
	Succeeded bool
	// Reason and Message of a failure.
	Reason, Message string
	// Shuffled writes the terminal condition first and an unrelated
	// condition before everything, to prove conditions are read by type.
	Shuffled bool
}

// FinishJob writes a finished Job's status as the Job controller does, in
// the combinations the API server accepts.
func FinishJob(ctx context.Context, c kubernetes.Interface, job *batchv1.Job, o Outcome) error {
	return updateJobStatus(ctx, c, job, func(s *batchv1.JobStatus) {
		now := metav1.Now()
		if s.StartTime == nil {
			s.StartTime = &now
		}
		s.Active, s.Ready = 0, ptr.To[int32](0)
		cond := func(t batchv1.JobConditionType, reason, msg string) batchv1.JobCondition {
			return batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, Reason: reason, Message: msg,
				LastProbeTime: now, LastTransitionTime: now}
		}
		var conds []batchv1.JobCondition
		if o.Succeeded {
			s.Succeeded, s.CompletionTime = 1, &now
			const reached = "Reached expected number of succeeded pods"
			conds = []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, "CompletionsReached", reached),
				cond(batchv1.JobComplete, "CompletionsReached", reached)}
		} else {
			s.Failed = 1
			conds = []batchv1.JobCondition{cond(batchv1.JobFailureTarget, o.Reason, o.Message), cond(batchv1.JobFailed, o.Reason, o.Message)}
		}
		if o.Shuffled {
			conds = []batchv1.JobCondition{
				{Type: batchv1.JobSuspended, Status: corev1.ConditionFalse, Reason: "JobResumed", LastProbeTime: now, LastTransitionTime: now},
				conds[1], conds[0]}
		}
		s.Conditions = append(s.Conditions, conds...)
	})
}

// updateJobStatus applies mutate to the status of job as given (the
// common case: one write), and to the Job read again after a conflict.
func updateJobStatus(ctx context.Context, c kubernetes.Interface, job *batchv1.Job, mutate func(*batchv1.JobStatus)) error {
	cur := job.DeepCopy()
	return retry.RetryOnConflict(retry.DefaultRetry, func() (err error) {
		if cur == nil {
			if cur, err = c.BatchV1().Jobs(job.Namespace).Get(ctx, job.Name, metav1.GetOptions{}); err != nil {
				return err
			}
		}
		mutate(&cur.Status)
		_, err = c.BatchV1().Jobs(cur.Namespace).UpdateStatus(ctx, cur, metav1.UpdateOptions{})
		cur = nil
		return err
	})
}
