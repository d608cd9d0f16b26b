package bench

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/internal/testkubelet"
	v1alpha1 "github.com/dpsdk/dataprotection/types/v1alpha1"
)

// kubeletMessage is the termination message of every bench Job's pod: the
// result the Job driver's script writes for a backup of one 1 KiB file.
const kubeletMessage = `{"v":1,"exitCode":0,"fileCount":1,"totalSize":1024,` +
	`"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",` +
	`"artifacts":[{"path":"data","size":1024,"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"}]}`

// kubeletNode is the Node object the bench kubelet plays.
const kubeletNode = "bench-node"

// startKubelet plays the node, and only the node, for the pods that the
// real Job controller (kube-controller-manager, which the control plane
// must run) creates for the Job driver's Jobs in namespace ns, with the
// shared test kubelet (internal/testkubelet): no scheduler runs, so it
// binds each pod to its Node, marks it running and at once writes it
// terminated with exit code 0 and the script's result as its termination
// message; the Job controller then marks the Job Complete. The task's
// commands are not run: the figure measures the control plane, not the
// tool. At most workers pods are played at once.
func startKubelet(ctx context.Context, client kubernetes.Interface, ns string, workers int) (*testkubelet.Kubelet, error) {
	node := testkubelet.NodeFunc(func(context.Context, *corev1.Pod) (testkubelet.Termination, error) {
		return testkubelet.Termination{Message: kubeletMessage}, nil
	})
	return testkubelet.StartKubelet(ctx, client, node, testkubelet.KubeletOptions{NodeName: kubeletNode,
		Namespace: ns, LabelSelector: v1alpha1.LabelTaskID, Workers: workers})
}
