package main

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	coreinformers "k8s.io/client-go/informers/core/v1"
	corelisters "k8s.io/client-go/listers/core/v1"

	"github.com/dpsdk/dataprotection/drivers"
	"github.com/dpsdk/dataprotection/targets"
)

// podTargets is the targets.Resolver of a cluster: a policy's
// labelsSelector selects pods of its namespace, read from the pod
// informer's cache (so resolving a target costs no API call).
type podTargets struct {
	pods corelisters.PodLister
}

var _ targets.Resolver = podTargets{}

// newPodTargets registers the pod informer with its factory, which must be
// started (and synced) before the resolver is used.
func newPodTargets(pods coreinformers.PodInformer) podTargets {
	pods.Informer() // register it before the factory starts
	return podTargets{pods: pods.Lister()}
}

// Targets returns the pods of namespace that match selector, sorted by
// name, leaving out pods that are being deleted or have finished.
func (p podTargets) Targets(_ context.Context, namespace string, selector labels.Selector) ([]drivers.Target, error) {
	pods, err := p.pods.Pods(namespace).List(selector)
	if err != nil {
		return nil, drivers.WithCode(drivers.Unavailable, err)
	}
	var out []drivers.Target
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			continue
		}
		out = append(out, podTarget(pod.DeepCopy())) // the cache's objects are shared: copy
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// podTarget describes a pod as a backup target: its IP is DB_HOST; a backup
// Job mounts its volumes where its first container mounts them, on its
// node, with its tolerations.
func podTarget(pod *corev1.Pod) drivers.Target {
	t := drivers.Target{
		Name:        pod.Name,
		Namespace:   pod.Namespace,
		Host:        pod.Status.PodIP,
		Node:        pod.Spec.NodeName,
		Labels:      pod.Labels,
		Volumes:     pod.Spec.Volumes,
		Tolerations: pod.Spec.Tolerations,
	}
	for _, c := range pod.Spec.Containers {
		t.Containers = append(t.Containers, c.Name)
	}
	if len(pod.Spec.Containers) > 0 {
		t.VolumeMounts = pod.Spec.Containers[0].VolumeMounts
	}
	return t
}
