package testenv_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/dpsdk/dataprotection/internal/testenv"
)

// controllerTimeout bounds each wait for a controller. The controllers act
// within about a second on an idle machine; the rest is room for a busy one.
const controllerTimeout = time.Minute

func TestJobControllerCreatesPod(t *testing.T) {
	env := testenv.RequireControllers(t)
	if !env.ControllersRunning() {
		t.Fatal("ControllersRunning = false after RequireControllers")
	}
	ns := env.NewNamespace(t)
	job := createJob(t, env.Client, ns, nil)
	pod := waitForJobPod(t, env.Client, job)
	owner := metav1.GetControllerOf(pod)
	if owner == nil || owner.UID != job.UID || owner.Kind != "Job" {
		t.Errorf("pod %s: controller = %+v, want Job %s", pod.Name, owner, job.Name)
	}
}

func TestGarbageCollectorDeletesPodsOfDeletedJob(t *testing.T) {
	env := testenv.RequireControllers(t)
	ns := env.NewNamespace(t)
	job := createJob(t, env.Client, ns, nil)
	pod := waitForJobPod(t, env.Client, job)

	background := metav1.DeletePropagationBackground
	err := env.Client.BatchV1().Jobs(ns).Delete(t.Context(), job.Name, metav1.DeleteOptions{PropagationPolicy: &background})
	if err != nil {
		t.Fatalf("delete job: %v", err)
	}
	waitGone(t, "pod "+pod.Name, func(ctx context.Context) error {
		_, err := env.Client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		return err
	})
}

func TestTTLAfterFinishedDeletesCompletedJob(t *testing.T) {
	env := testenv.RequireControllers(t)
	ns := env.NewNamespace(t)
	ttl := int32(1)
	job := createJob(t, env.Client, ns, &ttl)
	// Watch the Job from its creation, so that neither its completion nor
	// its deletion can be missed between two polls.
	w, err := env.Client.BatchV1().Jobs(ns).Watch(t.Context(), metav1.ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", job.Name).String(),
		ResourceVersion: job.ResourceVersion,
	})
	if err != nil {
		t.Fatalf("watch job: %v", err)
	}
	defer w.Stop()

	pod := waitForJobPod(t, env.Client, job)
	node := createNode(t, env.Client)
	runPodToSuccess(t, env.Client, pod, node)

	completed := false
	timeout := time.NewTimer(controllerTimeout)
	defer timeout.Stop()
	for deleted := false; !deleted; {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatal("job watch closed")
			}
			switch ev.Type {
			case watch.Error:
				t.Fatalf("job watch: %v", apierrors.FromObject(ev.Object))
			case watch.Modified, watch.Deleted:
				if hasCondition(ev.Object.(*batchv1.Job), batchv1.JobComplete) {
					completed = true
				}
				deleted = ev.Type == watch.Deleted
			}
		case <-timeout.C:
			t.Fatalf("job %s: not deleted after %v (complete: %v)", job.Name, controllerTimeout, completed)
		}
	}
	if !completed {
		t.Errorf("job %s was deleted without having been Complete", job.Name)
	}
	// The TTL controller deletes the Job with its dependents.
	waitGone(t, "pod "+pod.Name, func(ctx context.Context) error {
		_, err := env.Client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		return err
	})
}

// createJob creates a Job with one Pod in ns.
func createJob(t *testing.T, client kubernetes.Interface, ns string, ttlAfterFinished *int32) *batchv1.Job {
	t.Helper()
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "work", Namespace: ns},
		Spec: batchv1.JobSpec{
			TTLSecondsAfterFinished: ttlAfterFinished,
			Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					Containers:    []corev1.Container{{Name: "work", Image: "example.invalid/work"}},
				},
			},
		},
	}
	created, err := client.BatchV1().Jobs(ns).Create(t.Context(), job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create job: %v", err)
	}
	return created
}

// waitForJobPod waits until the Job controller has created a Pod for job and
// returns it.
func waitForJobPod(t *testing.T, client kubernetes.Interface, job *batchv1.Job) *corev1.Pod {
	t.Helper()
	selector := batchv1.ControllerUidLabel + "=" + string(job.UID)
	var pod *corev1.Pod
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, controllerTimeout, true,
		func(ctx context.Context) (bool, error) {
			pods, err := client.CoreV1().Pods(job.Namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
			if err != nil || len(pods.Items) == 0 {
				return false, err
			}
			pod = &pods.Items[0]
			return true, nil
		})
	if err != nil {
		t.Fatalf("job %s: no pod: %v", job.Name, err)
	}
	return pod
}

// createNode creates a Node for the test to bind Pods to (no kubelet runs;
// the test plays it) and deletes it when the test ends.
func createNode(t *testing.T, client kubernetes.Interface) string {
	t.Helper()
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "testenv-node-"},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("4"),
			corev1.ResourceMemory: resource.MustParse("8Gi"),
			corev1.ResourcePods:   resource.MustParse("110"),
		}},
	}
	created, err := client.CoreV1().Nodes().Create(t.Context(), node, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create node: %v", err)
	}
	t.Cleanup(func() {
		if err := client.CoreV1().Nodes().Delete(context.Background(), created.Name, metav1.DeleteOptions{}); err != nil {
			t.Errorf("delete node %s: %v", created.Name, err)
		}
	})
	return created.Name
}

// runPodToSuccess plays the scheduler and the kubelet: it binds pod to node
// through the binding subresource and reports its one container as
// terminated with exit code 0.
func runPodToSuccess(t *testing.T, client kubernetes.Interface, pod *corev1.Pod, node string) {
	t.Helper()
	ctx := t.Context()
	binding := &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace},
		Target:     corev1.ObjectReference{Kind: "Node", Name: node},
	}
	if err := client.CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatalf("bind pod %s to node %s: %v", pod.Name, node, err)
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := client.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if current.Spec.NodeName != node {
			return fmt.Errorf("pod %s: nodeName = %q after binding, want %q", pod.Name, current.Spec.NodeName, node)
		}
		now := metav1.Now()
		c := current.Spec.Containers[0]
		current.Status.Phase = corev1.PodSucceeded
		current.Status.StartTime = &now
		current.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name:    c.Name,
			Image:   c.Image,
			ImageID: c.Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode:   0,
				Reason:     "Completed",
				StartedAt:  now,
				FinishedAt: now,
			}},
		}}
		_, err = client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, current, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("report pod %s succeeded: %v", pod.Name, err)
	}
}

// waitGone polls get until it returns NotFound.
func waitGone(t *testing.T, what string, get func(context.Context) error) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, controllerTimeout, true,
		func(ctx context.Context) (bool, error) {
			err := get(ctx)
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		})
	if err != nil {
		t.Fatalf("%s: not deleted: %v", what, err)
	}
}

func hasCondition(job *batchv1.Job, typ batchv1.JobConditionType) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == typ && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
