package kubehost

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/targets"
)

// Pods lists the pods of namespace whose labels match selector. Its Targets
// method makes it the targets.Resolver of a cluster. The pods it returns
// are not modified.
type Pods func(ctx context.Context, namespace string, selector labels.Selector) ([]corev1.Pod, error)

var _ targets.Resolver = Pods(nil)

// PodsFromClient returns Pods that lists pods from the API server, one
// request per call.
func PodsFromClient(client kubernetes.Interface) Pods {
	return func(ctx context.Context, namespace string, selector labels.Selector) ([]corev1.Pod, error) {
		list, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector.String()})
		if err != nil {
			return nil, err
		}
		return list.Items, nil
	}
}

// PodsFromLister returns Pods that lists pods from an informer's cache:
// factory.Core().V1().Pods().Lister() of a SharedInformerFactory, which
// must be started and synced before the engine resolves targets.
func PodsFromLister(lister corelisters.PodLister) Pods {
	return func(_ context.Context, namespace string, selector labels.Selector) ([]corev1.Pod, error) {
		cached, err := lister.Pods(namespace).List(selector)
		if err != nil {
			return nil, err
		}
		pods := make([]corev1.Pod, len(cached))
		for i, p := range cached {
			pods[i] = *p // a shallow copy: Targets copies what it keeps
		}
		return pods, nil
	}
}

// Targets returns the pods of namespace that match selector as targets,
// sorted by name, leaving out pods that are being deleted or have finished
// (Succeeded or Failed). Errors have code Unavailable.
func (p Pods) Targets(ctx context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error) {
	pods, err := p(ctx, namespace, selector)
	if err != nil {
		return nil, drivers.WithCode(drivers.Unavailable, err)
	}
	var out []drivers.Target
	for i := range pods {
		pod := &pods[i]
		if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		out = append(out, podTarget(pod.DeepCopy())) // a cache's objects are shared: copy
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// podTarget describes a pod as a backup target: its IP is DB_HOST; a task
// that runs beside it does so on its node, with its tolerations, and mounts
// its volumes where its first container mounts them (in that container's
// image, when the BackupTool names none). A pod whose Ready condition is not
// True is NotReady.
func podTarget(pod *corev1.Pod) drivers.Target {
	t := drivers.Target{
		Name:        pod.Name,
		Namespace:   pod.Namespace,
		Host:        pod.Status.PodIP,
		Node:        pod.Spec.NodeName,
		Labels:      pod.Labels,
		Volumes:     pod.Spec.Volumes,
		Tolerations: pod.Spec.Tolerations,
		NotReady:    !podReady(pod),
	}
	for _, c := range pod.Spec.Containers {
		t.Containers = append(t.Containers, c.Name)
	}
	if len(pod.Spec.Containers) > 0 {
		t.VolumeMounts = pod.Spec.Containers[0].VolumeMounts
		t.Image = pod.Spec.Containers[0].Image
	}
	return t
}

// podReady reports whether the pod's Ready condition is True.
func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
