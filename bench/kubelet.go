package bench

import (
	"context"
	"sync"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/dpsdk/dataprotection/drivers/job"
)

// kubeletMessage is the termination message of every simulated Job: the
// result the Job driver's script writes for a backup of one 1 KiB file.
const kubeletMessage = `{"v":1,"exitCode":0,"fileCount":1,"totalSize":1024,` +
	`"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",` +
	`"artifacts":[{"path":"data","size":1024,"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"}]}`

// kubelet plays the kubelet and the Job controller for the Jobs of one
// namespace, which no node runs in the test environment: each new Job gets
// its pod, created and at once terminated with exit status 0 and the
// script's result as its termination message, and the Job is marked
// Complete, as those components would (three writes per Job). The task's
// commands are not run: the figure measures the control plane, not the
// tool.
type kubelet struct {
	client kubernetes.Interface
	jobs   chan *batchv1.Job
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errs   chan error
}

// startKubelet starts playing the kubelet for namespace ns with workers
// goroutines, through client.
func startKubelet(ctx context.Context, client kubernetes.Interface, ns string, workers int) (*kubelet, error) {
	ctx, cancel := context.WithCancel(ctx)
	k := &kubelet{client: client, jobs: make(chan *batchv1.Job, 1<<16), cancel: cancel, errs: make(chan error, 1)}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(ns))
	inf := factory.Batch().V1().Jobs().Informer()
	if _, err := inf.AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: func(obj any) bool { j, ok := obj.(*batchv1.Job); return ok && len(j.Status.Conditions) == 0 },
		Handler:    cache.ResourceEventHandlerFuncs{AddFunc: func(obj any) { k.jobs <- obj.(*batchv1.Job) }},
	}); err != nil {
		cancel()
		return nil, err
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	for range workers {
		k.wg.Go(func() { k.work(ctx) })
	}
	k.wg.Go(func() { <-ctx.Done(); factory.Shutdown() })
	return k, nil
}

// stop stops the kubelet and returns its first error, if any.
func (k *kubelet) stop() error {
	k.cancel()
	k.wg.Wait()
	select {
	case err := <-k.errs:
		return err
	default:
		return nil
	}
}

func (k *kubelet) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-k.jobs:
			if err := k.run(ctx, j); err != nil && ctx.Err() == nil {
				select {
				case k.errs <- err:
				default:
				}
			}
		}
	}
}

// run creates the Job's pod, terminates it successfully and completes the
// Job.
func (k *kubelet) run(ctx context.Context, j *batchv1.Job) error {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: j.Name + "-", Namespace: j.Namespace, Labels: j.Spec.Template.Labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: j.Name, UID: j.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}},
		Spec: *j.Spec.Template.Spec.DeepCopy(),
	}
	pod, err := k.client.CoreV1().Pods(j.Namespace).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	now := metav1.Now()
	pod.Status.Phase = corev1.PodSucceeded
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: job.ContainerName, Image: pod.Spec.Containers[0].Image,
		ImageID: "docker.io/library/busybox@sha256:00", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 0, Reason: "Completed", Message: kubeletMessage, StartedAt: now, FinishedAt: now}}}}
	if _, err := k.client.CoreV1().Pods(j.Namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		return err
	}
	return k.complete(ctx, j.DeepCopy())
}

// complete writes the status of a succeeded Job, as the Job controller does.
func (k *kubelet) complete(ctx context.Context, j *batchv1.Job) error {
	now := metav1.Now()
	s := &j.Status
	s.StartTime, s.CompletionTime, s.Active, s.Ready, s.Succeeded = &now, &now, 0, ptr.To[int32](0), 1
	cond := func(t batchv1.JobConditionType) batchv1.JobCondition {
		return batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, Reason: "CompletionsReached",
			Message: "Reached expected number of succeeded pods", LastProbeTime: now, LastTransitionTime: now}
	}
	s.Conditions = []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet), cond(batchv1.JobComplete)}
	_, err := k.client.BatchV1().Jobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
	return err
}
