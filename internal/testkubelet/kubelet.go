package testkubelet

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
)

// KubeletOptions tune a Kubelet.
type KubeletOptions struct {
	// NodeName is the Node the kubelet plays; empty means "testkubelet".
	// The Node object is created when it is missing.
	NodeName string
	// Namespace limits the kubelet to the pods of one namespace; empty
	// means every namespace.
	Namespace string
	// LabelSelector limits it to the pods it selects (for example the
	// drivers' pods, v1alpha1.LabelTaskID); empty means every pod.
	LabelSelector string
	// Workers bounds the pods run at once; 0 means no bound.
	Workers int
	// Logf receives the errors of pods it could not play; nil drops them.
	Logf func(format string, args ...any)
}

// Kubelet plays the node, and only the node, beside a real Job controller
// (kube-controller-manager): no scheduler runs, so it binds each new pod
// it selects to its Node (the binding subresource), marks it running, runs
// it on node and writes how it terminated (phase Succeeded or Failed); the
// Job controller does the rest (the Job's status and conditions,
// backoffLimit, activeDeadlineSeconds), as the garbage collector and the
// TTL controller do theirs. A pod being deleted (the Job controller past a
// deadline, a deleted Job, a test) is stopped and, as a kubelet does,
// reported failed and deleted for good.
type Kubelet struct {
	client kubernetes.Interface
	node   Node
	opts   KubeletOptions
	runs   *runs
}

// StartKubelet plays the node for the selected pods until ctx ends or
// Stop is called.
func StartKubelet(ctx context.Context, client kubernetes.Interface, node Node, opts KubeletOptions) (*Kubelet, error) {
	if opts.NodeName == "" {
		opts.NodeName = "testkubelet"
	}
	if err := ensureNode(ctx, client, opts.NodeName); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	k := &Kubelet{client: client, node: node, opts: opts, runs: newRuns(cancel, opts.Workers, opts.Logf)}
	factory := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(opts.Namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = opts.LabelSelector }))
	_, err := factory.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.sync(ctx, obj.(*corev1.Pod)) },
		UpdateFunc: func(_, obj any) { k.sync(ctx, obj.(*corev1.Pod)) },
		DeleteFunc: func(obj any) {
			if pod, ok := obj.(*corev1.Pod); ok {
				k.runs.kill(pod.UID)
			}
		},
	})
	if err != nil {
		cancel()
		return nil, err
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	k.runs.wg.Go(func() { <-ctx.Done(); factory.Shutdown() })
	return k, nil
}

// ensureNode creates the Node name when it is missing.
func ensureNode(ctx context.Context, c kubernetes.Interface, name string) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	_, err := c.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("testkubelet: create node %s: %w", name, err)
	}
	return nil
}

// Stop stops playing: the pods that run are stopped and nothing is
// written any more. It returns the first error of a pod it could not play.
func (k *Kubelet) Stop() error { return k.runs.stop() }

// sync starts a new pod and stops one being deleted.
func (k *Kubelet) sync(ctx context.Context, pod *corev1.Pod) {
	if pod.DeletionTimestamp != nil {
		k.runs.kill(pod.UID)
		if pod.Spec.NodeName == k.opts.NodeName {
			k.runs.wg.Go(func() { k.reap(context.WithoutCancel(ctx), pod) })
		}
		return
	}
	if pod.Spec.NodeName != "" || pod.Status.Phase != corev1.PodPending && pod.Status.Phase != "" {
		return
	}
	k.runs.start(ctx, pod.UID, "pod "+pod.Namespace+"/"+pod.Name, func(ctx context.Context) error { return k.play(ctx, pod.DeepCopy()) })
}

// play binds the pod, marks it running, runs it and reports how it ended.
func (k *Kubelet) play(ctx context.Context, pod *corev1.Pod) error {
	binding := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace},
		Target: corev1.ObjectReference{Kind: "Node", Name: k.opts.NodeName}}
	if err := k.client.CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := markPodRunning(ctx, k.client, pod); err != nil {
		return err
	}
	term, err := k.node.Run(ctx, pod)
	if ctx.Err() != nil {
		return nil // the pod is being deleted: reap reports it
	}
	if err != nil {
		return err
	}
	return TerminatePod(context.WithoutCancel(ctx), k.client, pod, term)
}

// reap ends a pod being deleted as a kubelet does: a pod still running is
// reported failed (killed), then the pod is deleted for good.
func (k *Kubelet) reap(ctx context.Context, pod *corev1.Pod) {
	if pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed {
		err := TerminatePod(ctx, k.client, pod, Termination{ExitCode: 137, Reason: "Error"})
		if err != nil && !apierrors.IsNotFound(err) {
			k.runs.fail(fmt.Errorf("report pod %s/%s killed: %w", pod.Namespace, pod.Name, err))
		}
	}
	err := k.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To[int64](0), Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		k.runs.fail(fmt.Errorf("delete pod %s/%s: %w", pod.Namespace, pod.Name, err))
	}
}

// markPodRunning writes the pod's status as running: its first container
// started, the pod ready.
func markPodRunning(ctx context.Context, c kubernetes.Interface, pod *corev1.Pod) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		p, err := c.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		p.Status.Phase, p.Status.StartTime = corev1.PodRunning, &now
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}}
		cont := p.Spec.Containers[0]
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: cont.Name, Image: cont.Image, Ready: true,
			ImageID: "docker.io/library/test@sha256:00", Started: ptr.To(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}}}}
		_, err = c.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err
	})
}
