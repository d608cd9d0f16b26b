package bench

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/dpsdk/dataprotection/internal/testkubelet"
)

// kubeletMessage is the termination message of every simulated Job: the
// result the Job driver's script writes for a backup of one 1 KiB file.
const kubeletMessage = `{"v":1,"exitCode":0,"fileCount":1,"totalSize":1024,` +
	`"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",` +
	`"artifacts":[{"path":"data","size":1024,"sha256":"5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"}]}`

// startKubelet plays the Job controller for the Jobs of namespace ns, which
// no node runs in the test environment, with the shared test kubelet
// (internal/testkubelet): each new Job gets its pod, created and at once
// terminated with exit status 0 and the script's result as its termination
// message, and the Job is marked Complete (three writes per Job; the
// running mark is left out). The task's commands are not run: the figure
// measures the control plane, not the tool. At most workers Jobs are
// played at once.
func startKubelet(ctx context.Context, client kubernetes.Interface, ns string, workers int) (*testkubelet.Controller, error) {
	node := testkubelet.NodeFunc(func(context.Context, *corev1.Pod) (testkubelet.Termination, error) {
		return testkubelet.Termination{Message: kubeletMessage}, nil
	})
	return testkubelet.Start(ctx, client, ns, node, testkubelet.Options{Workers: workers, SkipRunning: true})
}
