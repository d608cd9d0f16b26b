package job

import (
	"context"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// cancelJob suspends the task's Job, marks it cancelled and deletes its
// pods. The mark is written with the Job's resourceVersion, so a Job that
// finished meanwhile is seen finished and left alone.
func (d *Driver) cancelJob(ctx context.Context, id string) error {
	var job *batchv1.Job
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var err error
		if job, err = d.readJob(ctx, id); err != nil {
			return err
		}
		if finished(job) || job.Annotations[v1alpha1.AnnotationTaskCanceled] != "" {
			job = nil
			return nil
		}
		if job.Annotations == nil {
			job.Annotations = map[string]string{}
		}
		job.Annotations[v1alpha1.AnnotationTaskCanceled] = d.opts.Clock.Now().UTC().Format(time.RFC3339)
		job.Spec.Suspend = ptr.To(true)
		out, err := d.client.BatchV1().Jobs(job.Namespace).Update(ctx, job, metav1.UpdateOptions{})
		if err == nil {
			d.wrote(out)
		}
		return err
	})
	switch {
	case drivers.IsNotFound(err) || apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return apiError(err, "cancel Job of task %q", id)
	case job == nil:
		return nil
	}
	d.opts.Logger.Info("cancelled Job", "task", id, "namespace", job.Namespace)
	return d.deletePods(ctx, job.Namespace, id)
}

// finished reports whether the Job ended, one way or the other.
func finished(job *batchv1.Job) bool {
	return condition(job, batchv1.JobComplete, batchv1.JobSuccessCriteriaMet, batchv1.JobFailed, batchv1.JobFailureTarget) != nil
}

// cleanupJob deletes the task's Job, then its pods (which the garbage
// collector would delete too, where it runs).
func (d *Driver) cleanupJob(ctx context.Context, id string) error {
	job, err := d.readJob(ctx, id)
	ns := ""
	switch {
	case err == nil:
		ns = job.Namespace
		policy := metav1.DeletePropagationBackground
		err = d.client.BatchV1().Jobs(ns).Delete(ctx, id, metav1.DeleteOptions{PropagationPolicy: &policy})
		if err != nil && !apierrors.IsNotFound(err) {
			return apiError(err, "delete Job %s/%s", ns, id)
		}
		d.deleted(job)
	case drivers.IsNotFound(err):
		ns = d.knownNamespace(id)
	default:
		return err
	}
	if ns != "" {
		if err := d.deletePods(ctx, ns, id); err != nil {
			return err
		}
	}
	d.forget(id)
	return nil
}

// knownNamespace is the namespace where the task's Job is or was, as far
// as this process knows.
func (d *Driver) knownNamespace(id string) string {
	if d.opts.Namespace != "" {
		return d.opts.Namespace
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.namespaces[id]
}

// deletePods deletes the pods of the task's Jobs.
func (d *Driver) deletePods(ctx context.Context, namespace, id string) error {
	pods := d.client.CoreV1().Pods(namespace)
	list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: labels.Set{v1alpha1.LabelTaskID: id}.String()})
	if err != nil {
		return apiError(err, "list the pods of task %q", id)
	}
	for i := range list.Items {
		p := &list.Items[i]
		if p.DeletionTimestamp != nil {
			continue
		}
		err := pods.Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &p.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return apiError(err, "delete pod %s/%s of task %q", namespace, p.Name, id)
		}
	}
	return nil
}
