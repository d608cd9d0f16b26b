package envvar

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Fields answers a fieldRef (valueFrom.fieldRef.fieldPath); ok is false
// for a field it cannot answer.
type Fields func(path string) (value string, ok bool)

// PodFields answers the fieldRefs of the downward API that pod's object
// holds, as the kubelet does: metadata.name, metadata.namespace,
// metadata.uid, metadata.labels['<key>'], metadata.annotations['<key>'],
// spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs,
// status.podIP and status.podIPs (empty when unset). The test kubelet,
// which has the pod, uses it.
func PodFields(pod *corev1.Pod) Fields {
	return func(path string) (string, bool) {
		if k, ok := mapKey(path, "metadata.labels"); ok {
			return pod.Labels[k], true
		}
		if k, ok := mapKey(path, "metadata.annotations"); ok {
			return pod.Annotations[k], true
		}
		switch path {
		case "metadata.name":
			return pod.Name, true
		case "metadata.namespace":
			return pod.Namespace, true
		case "metadata.uid":
			return string(pod.UID), true
		case "spec.nodeName":
			return pod.Spec.NodeName, true
		case "spec.serviceAccountName":
			return pod.Spec.ServiceAccountName, true
		case "status.hostIP":
			return pod.Status.HostIP, true
		case "status.podIP":
			return pod.Status.PodIP, true
		case "status.hostIPs":
			return joinIPs(pod.Status.HostIPs, func(ip corev1.HostIP) string { return ip.IP }), true
		case "status.podIPs":
			return joinIPs(pod.Status.PodIPs, func(ip corev1.PodIP) string { return ip.IP }), true
		}
		return "", false
	}
}

// mapKey returns key of a path "<field>['<key>']".
func mapKey(path, field string) (string, bool) {
	rest, ok := strings.CutPrefix(path, field+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

func joinIPs[T any](ips []T, ip func(T) string) string {
	out := make([]string, len(ips))
	for i := range ips {
		out[i] = ip(ips[i])
	}
	return strings.Join(out, ",")
}

// TargetFields answers the fieldRefs that a runner knows of a target pod
// without its object (the local driver, pod exec): metadata.name,
// metadata.namespace, spec.nodeName and metadata.labels['<key>']; it
// cannot answer the others.
func TargetFields(name, namespace, node string, labels map[string]string) Fields {
	pod := PodFields(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels},
		Spec: corev1.PodSpec{NodeName: node}})
	return func(path string) (string, bool) {
		switch _, label := mapKey(path, "metadata.labels"); {
		case label, path == "metadata.name", path == "metadata.namespace", path == "spec.nodeName":
			return pod(path)
		}
		return "", false
	}
}
