// Package testkubelet plays, for tests and benchmarks, the parts of
// Kubernetes that do not run where only kube-apiserver and etcd do, in two
// separable halves:
//
//   - the Job controller (controller.go, jobstatus.go): for each new Job of
//     a namespace it creates the pod, writes the Job's status as the
//     controller does (running, then Complete or Failed; DeadlineExceeded
//     past activeDeadlineSeconds), and stops a suspended or deleted Job's
//     pod. A real kube-controller-manager will replace this half.
//   - the node (node.go): a Node runs a pod's containers and reports how
//     they terminated; Local runs them on this machine as processes, as
//     the kubelet would: the init containers in order, then the first
//     container; the environment resolved by the one resolution the
//     drivers use (internal/envvar), $(VAR) in command and args expanded
//     with it, each claim mounted as a directory, each emptyDir as a
//     directory of the pod's, an image's executable mapped to a local file
//     (a test's build of dpctl for the tools image), the termination
//     message written to a file (FallbackToLogsOnError).
//
// The pod's status is written by the controller half for the node (the
// node half only runs), so a fake Node (a benchmark's, which runs nothing)
// needs no API access.
package testkubelet
